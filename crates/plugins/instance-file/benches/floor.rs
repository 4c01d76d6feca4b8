//! Benchmark (prints figures, asserts nothing): the file system's floor under the file plugin. N files of 600
//! bytes written into one new directory as the plugin writes an instance ([`infrakit_spi::fsutil::write_replacing`]:
//! a temporary file, fsynced or not, renamed, the directory fsynced), from T threads at once (the group
//! controller sends 32 at once), with no controller and no plugin: what a converge of N file instances cannot beat.
//!   cargo bench -p infrakit-instance-file --bench floor -- DIR N T [sync|nosync]
//! The files are left in DIR (a new directory under it per run): remove them yourself; on an ext4 file system
//! without a journal, creating files soon after thousands were deleted is slower for minutes.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let usage = "usage: floor DIR N THREADS [sync|nosync]";
    let (Some(dir), Some(n), Some(threads)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let (Ok(n), Ok(threads)) = (n.parse::<usize>(), threads.parse::<usize>()) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let sync = args.get(3).is_none_or(|s| s != "nosync");
    let dir = PathBuf::from(dir).join(format!("floor-{}-{}", std::process::id(), rand::random::<u32>()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        std::process::exit(1);
    }
    let body = vec![b'x'; 600];
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads.max(1) {
            let (dir, body) = (&dir, &body);
            s.spawn(move || {
                for i in (t..n).step_by(threads.max(1)) {
                    let path = dir.join(format!("instance-{i}"));
                    if let Err(e) = infrakit_spi::fsutil::write_replacing(&path, body, 0o644, sync) {
                        eprintln!("{}: {e}", path.display());
                        std::process::exit(1);
                    }
                }
            });
        }
    });
    let how = if sync { "fsynced" } else { "not fsynced" };
    println!("{n} files ({how}), {threads} threads: {:.3} s, in {}", started.elapsed().as_secs_f64(), dir.display());
}
