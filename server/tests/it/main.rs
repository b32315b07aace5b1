//! The team server's integration tests: real server processes over HTTP against a real
//! PostgreSQL (a throwaway cluster, see `common`).

mod common;

mod access;
mod durability;
mod feed;
mod protocol;
