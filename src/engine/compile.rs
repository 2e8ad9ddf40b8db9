//! Compiling and loading flows for the engine. This runs on the caller's
//! thread (a module is plain `Send` data), so a large flow being compiled
//! does not hold up the processes on the engine's thread.

use super::error::EngineError;
use crate::loader::object_path;
use jobflow_compiler::codegen;
use jobflow_compiler::diagnostics::render::{human, SourceFile};
use jobflow_compiler::driver::{check_file, check_source, CheckContext, CheckedFile};
use jobflow_vm::bytecode::format::read_module;
use jobflow_vm::bytecode::Module;
use std::path::Path;

/// A module ready for the engine's thread, with the object path it runs as.
pub(crate) struct Compiled {
    /// The flow's absolute object path (`/alerts/restart`).
    pub abspath: String,
    /// The verified module.
    pub module: Module,
}

/// A module is handed from the caller's thread to the engine's.
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Module>();
};

/// Compiles the flow file `file` (a `.jf` source, or a `.jfc` module) under
/// the flow root `root`.
pub(crate) fn compile_file(root: &Path, file: &Path) -> Result<Compiled, EngineError> {
    let file = if file.is_absolute() {
        file.to_path_buf()
    } else {
        root.join(file)
    };
    let abspath = object_path(root, &file);
    let name = file.display().to_string();
    if file.extension().is_some_and(|e| e == "jfc") {
        let bytes = std::fs::read(&file).map_err(|source| EngineError::Read {
            path: name.clone(),
            source,
        })?;
        return load_bytes(&name, abspath, &bytes);
    }
    let ctx = CheckContext::disk().with_root(Some(root.to_path_buf()));
    let checked = check_file(&file, &ctx).map_err(|e| match e {
        jobflow_compiler::driver::DriverError::Read { source, .. } => EngineError::Read {
            path: name.clone(),
            source,
        },
    })?;
    generate(&checked, &name, abspath)
}

/// Compiles `source` as the flow at the object path `abspath` under `root`
/// (its relative paths and sub-flow calls resolve as if it were the file
/// `ROOT/ABSPATH.jf`).
pub(crate) fn compile_source(root: &Path, abspath: &str, source: &str) -> Result<Compiled, EngineError> {
    let abspath = normalize(abspath)?;
    let file = root.join(format!("{}.jf", abspath.trim_start_matches('/')));
    let ctx = CheckContext::disk().with_root(Some(root.to_path_buf()));
    let checked = check_source(Some(&file), source, &ctx);
    generate(&checked, &file.display().to_string(), abspath)
}

/// Loads the `.jfc` module `bytes` as the flow at `abspath`.
pub(crate) fn load(abspath: &str, bytes: &[u8]) -> Result<Compiled, EngineError> {
    let abspath = normalize(abspath)?;
    load_bytes(&abspath.clone(), abspath, bytes)
}

fn load_bytes(name: &str, abspath: String, bytes: &[u8]) -> Result<Compiled, EngineError> {
    let module = read_module(bytes).map_err(|e| EngineError::Module {
        path: name.to_string(),
        message: e.to_string(),
    })?;
    Ok(Compiled { abspath, module })
}

fn generate(checked: &CheckedFile, name: &str, abspath: String) -> Result<Compiled, EngineError> {
    let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        let file = SourceFile {
            name,
            text: &checked.source,
        };
        return Err(EngineError::Compile {
            path: name.to_string(),
            count: errors.len(),
            rendered: human(file, &errors, false),
        });
    }
    let module = codegen::generate(checked.program(), &checked.source, name).map_err(|e| EngineError::Module {
        path: name.to_string(),
        message: e.to_string(),
    })?;
    Ok(Compiled { abspath, module })
}

/// `alerts/restart` or `/alerts/restart` as `/alerts/restart`; an empty
/// path, or one with `.` or `..`, is refused.
fn normalize(abspath: &str) -> Result<String, EngineError> {
    let parts: Vec<&str> = abspath.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|p| *p == "." || *p == "..") {
        return Err(EngineError::InvalidPath(abspath.to_string()));
    }
    Ok(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_are_normalized_and_checked() {
        assert_eq!(normalize("alerts//restart").unwrap(), "/alerts/restart");
        assert_eq!(normalize("/x").unwrap(), "/x");
        assert!(matches!(normalize("/"), Err(EngineError::InvalidPath(_))));
        assert!(matches!(normalize("/a/../b"), Err(EngineError::InvalidPath(_))));
    }
}
