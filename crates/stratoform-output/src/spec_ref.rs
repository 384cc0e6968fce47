//! How generated files name the spec: by its path relative to the output directory, worked out
//! from where both are on disk. The same render then comes out byte for byte from any working
//! directory and any spelling of the paths (`x/p.yaml`, `./x/p.yaml`, `/abs/x/p.yaml`, through a
//! symlinked directory), so `stratoform render --check` does not depend on how it was invoked.

use std::io;
use std::path::{Component, Path, PathBuf};

/// The path of the file `spec` as seen from the directory `out`, which need not exist yet:
/// `/`-separated, without `.` segments, with `..` only where the spec lies outside `out`
/// (`../platform.yaml` for `examples/x/platform.yaml` and `examples/x/rendered`).
pub fn spec_from_output(spec: &Path, out: &Path) -> io::Result<String> {
    let name = spec
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("`{}` does not name a file", spec.display())))?;
    let spec_dir = match spec.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let from = physical(out)?;
    let to = physical(spec_dir)?;
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.push(name.to_string_lossy().into_owned());
    Ok(parts.join("/"))
}

/// Where a path is on disk: absolute, symlinks of the part that exists resolved, `.` and `..`
/// of the part that does not exist yet applied.
fn physical(path: &Path) -> io::Result<PathBuf> {
    match path.canonicalize() {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let absolute = std::path::absolute(path)?;
            let (Some(parent), Some(last)) = (absolute.parent(), absolute.components().next_back()) else {
                return Err(e);
            };
            let mut out = physical(parent)?;
            match last {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(name) => out.push(name),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
            Ok(out)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temp directory (and its real path) holding the empty file `spec` and the folder `dir`.
    fn layout(spec: &str, dir: &str) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join(dir)).unwrap();
        std::fs::write(root.join(spec), "").unwrap();
        (tmp, root)
    }

    #[test]
    fn every_spelling_names_the_spec_the_same_way() {
        let (_tmp, root) = layout("x/p.yaml", "x/rendered");
        let abs = |p: &str| root.join(p);
        for (spec, out) in [
            (abs("x/p.yaml"), abs("x/rendered")),
            (abs("x/./p.yaml"), abs("x/rendered/")),
            (abs("x/rendered/../p.yaml"), abs("x/../x/rendered")),
        ] {
            assert_eq!(spec_from_output(&spec, &out).unwrap(), "../p.yaml", "{} {}", spec.display(), out.display());
        }
        // An output directory that does not exist yet, deeper or beside the spec.
        assert_eq!(spec_from_output(&abs("x/p.yaml"), &abs("out/a/b")).unwrap(), "../../../x/p.yaml");
        assert_eq!(spec_from_output(&abs("x/p.yaml"), &abs("x/new/../gen")).unwrap(), "../p.yaml");
        // The spec inside the output directory.
        assert_eq!(spec_from_output(&abs("x/p.yaml"), &abs("x")).unwrap(), "p.yaml");
    }

    #[test]
    fn a_symlinked_directory_is_where_it_points() {
        let (_tmp, root) = layout("real/x/p.yaml", "real/x");
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        let direct = spec_from_output(&root.join("real/x/p.yaml"), &root.join("real/x/out")).unwrap();
        let linked = spec_from_output(&root.join("link/x/p.yaml"), &root.join("real/x/out")).unwrap();
        assert_eq!((direct.as_str(), linked.as_str()), ("../p.yaml", "../p.yaml"));
    }
}
