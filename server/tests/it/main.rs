//! The team server's integration tests: real server processes over HTTP against a real
//! PostgreSQL (a throwaway cluster, see `common`).

mod common;

mod access;
mod documents;
mod durability;
mod feed;
mod protocol;
