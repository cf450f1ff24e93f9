//! The `docspace-people` command line, built on the library: argument parsing and help,
//! configuration, input files, output, exit codes, and one file a command. Nothing here
//! is part of the library's API.

pub mod cli;
pub mod commands;
pub mod completions;
pub mod config;
pub mod env;
pub mod exit;
pub mod format;
pub mod help;
pub mod input;
pub mod journal;
pub mod lock;
pub mod output;
pub mod plan;
pub mod profile;
pub mod report;
pub mod retention;
pub mod select;
pub mod sequence;
pub mod show;
pub mod unicode;
pub mod width;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// No module of the command line imports a module that imports it back, directly or
    /// through others (test code aside).
    #[test]
    fn no_module_imports_one_that_imports_it_back() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/app");
        let mut imports: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for entry in std::fs::read_dir(dir).expect("src/app is there") {
            let path = entry.expect("a directory entry").path();
            let Some(name) = path.file_stem().and_then(|n| n.to_str()) else {
                continue;
            };
            if path.extension().is_none_or(|e| e != "rs") || name == "mod" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let mut used: Vec<String> = Vec::new();
            for marker in ["super::", "crate::app::"] {
                for part in code.split(marker).skip(1) {
                    let module: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !module.is_empty() && module != name && module != "commands" {
                        used.push(module);
                    }
                }
            }
            imports.insert(name.to_owned(), used);
        }
        // Depth-first search for a path that comes back to where it started.
        fn reaches(
            from: &str,
            to: &str,
            imports: &BTreeMap<String, Vec<String>>,
            seen: &mut Vec<String>,
        ) -> bool {
            for next in imports.get(from).into_iter().flatten() {
                if next == to {
                    return true;
                }
                if !seen.contains(next) {
                    seen.push(next.clone());
                    if reaches(next, to, imports, seen) {
                        return true;
                    }
                }
            }
            false
        }
        assert!(imports.len() > 10, "{imports:?}");
        for module in imports.keys() {
            assert!(
                !reaches(module, module, &imports, &mut Vec::new()),
                "{module} is in an import cycle: {imports:?}"
            );
        }
    }
}
