//! Prints the re-anchoring benchmark's table: the sample article, forty
//! annotations, scripted edits; anchored correctly / orphaned / anchored wrongly.
//! `cargo bench --bench anchoring` (the same scenarios are a test in tests/native).

#[path = "../tests/native/reanchoring.rs"]
mod reanchoring;

fn main() {
    let started = std::time::Instant::now();
    let (total, rows) = reanchoring::run();
    println!("{}", reanchoring::table(total, &rows));
    println!("({} edits, {:.1} ms in all)", rows.len(), started.elapsed().as_secs_f64() * 1000.0);
}
