//! Reading objects from the flow root: which file a name maps to, and what
//! a `NAME.toml` data object holds.

use super::data::Data;
use super::ObjectError;
use indexmap::IndexMap;
use std::path::{Path, PathBuf};

/// What kind of object a filesystem entry is.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// A directory.
    Directory,
    /// `NAME.jf` and/or `NAME.jfc`.
    Jobflow {
        /// The source, if there is one.
        source: Option<PathBuf>,
    },
    /// `NAME.sh`, or an executable file with a `#!` line.
    Script {
        /// The extension without the dot, or `''`.
        ext: String,
    },
    /// `NAME.toml` with `type = "T"`.
    Data {
        /// The TOML `type`.
        type_name: String,
        /// `display_name`, if given.
        display_name: Option<String>,
        /// `description`, if given.
        description: Option<String>,
        /// Every other top-level key, in file order.
        fields: IndexMap<String, Data>,
    },
}

/// The types of `stdlib.md` 5.11 that are not implemented.
pub(crate) const NOT_IMPLEMENTED: [&str; 23] = [
    "Table",
    "Channel",
    "MailChannel",
    "Schedule",
    "Template",
    "MailTemplate",
    "Text",
    "Library",
    "Realm",
    "User",
    "Group",
    "TypeObject",
    "Virtual",
    "Form",
    "Wiki",
    "AttachedFile",
    "Repository",
    "License",
    "SystemInfo",
    "NodeType",
    "CustomStyle",
    "OAuth2Provider",
    "LdapServer",
];

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// Whether `path` is a script by content: a `#!` line and the executable
/// bit.
fn is_shebang_script(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::io::Read as _;
        use std::os::unix::fs::PermissionsExt as _;
        let Ok(meta) = std::fs::metadata(path) else {
            return false;
        };
        if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
            return false;
        }
        let mut head = [0u8; 2];
        std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok_and(|()| &head == b"#!")
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// The object name a directory entry stands for, if it maps to one.
pub(crate) fn entry_name(dir: &Path, file_name: &str) -> Option<String> {
    if is_hidden(file_name) || file_name == "jobflow.toml" {
        return None;
    }
    let path = dir.join(file_name);
    if path.is_dir() {
        return Some(file_name.to_owned());
    }
    let (stem, ext) = match file_name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, e),
        _ => (file_name, ""),
    };
    match ext {
        "jf" | "jfc" | "toml" | "sh" => Some(stem.to_owned()),
        _ if is_shebang_script(&path) => Some(stem.to_owned()),
        _ => None,
    }
}

/// The file or directory that the name `name` inside `dir` maps to, and its
/// kind: `NAME.jf`, `NAME.jfc`, `NAME.toml`, `NAME.sh`, directory `NAME/`,
/// then an executable `#!` file `NAME` or `NAME.EXT`.
pub(crate) fn resolve_name(dir: &Path, name: &str) -> Result<Option<(PathBuf, Kind)>, ObjectError> {
    if name.is_empty() || is_hidden(name) || name.contains(['/', '\\']) {
        return Ok(None);
    }
    let jf = dir.join(format!("{name}.jf"));
    let jfc = dir.join(format!("{name}.jfc"));
    if jf.is_file() {
        return Ok(Some((jf.clone(), Kind::Jobflow { source: Some(jf) })));
    }
    if jfc.is_file() {
        return Ok(Some((jfc, Kind::Jobflow { source: None })));
    }
    let toml_path = dir.join(format!("{name}.toml"));
    if toml_path.is_file() && name != "jobflow" {
        let kind = read_data(&toml_path)?;
        return Ok(Some((toml_path, kind)));
    }
    let sh = dir.join(format!("{name}.sh"));
    if sh.is_file() {
        return Ok(Some((sh, Kind::Script { ext: "sh".into() })));
    }
    let sub = dir.join(name);
    if sub.is_dir() {
        return Ok(Some((sub, Kind::Directory)));
    }
    if is_shebang_script(&sub) {
        return Ok(Some((sub, Kind::Script { ext: String::new() })));
    }
    // `NAME.EXT` with a `#!` line and the executable bit.
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(None);
    };
    let mut candidates: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|f| f.to_str())
                .and_then(|f| f.rsplit_once('.'))
                .is_some_and(|(stem, _)| stem == name)
        })
        .filter(|p| is_shebang_script(p))
        .collect();
    candidates.sort();
    Ok(candidates.into_iter().next().map(|p| {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_owned();
        (p, Kind::Script { ext })
    }))
}

/// Reads a data object from `NAME.toml`.
fn read_data(path: &Path) -> Result<Kind, ObjectError> {
    let text = std::fs::read_to_string(path).map_err(|e| ObjectError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ObjectError::Toml {
        path: path.display().to_string(),
        detail: e.message().to_owned(),
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut type_name = String::new();
    let mut display_name = None;
    let mut description = None;
    let mut fields = IndexMap::new();
    for (key, value) in table {
        match (key.as_str(), &value) {
            ("type", toml::Value::String(t)) => type_name = t.clone(),
            ("display_name", toml::Value::String(t)) => display_name = Some(t.clone()),
            ("description", toml::Value::String(t)) => description = Some(t.clone()),
            _ => {
                fields.insert(key, from_toml(&value, dir));
            }
        }
    }
    if type_name.is_empty() {
        return Err(ObjectError::Toml {
            path: path.display().to_string(),
            detail: "missing `type`".into(),
        });
    }
    Ok(Kind::Data {
        type_name,
        display_name,
        description,
        fields,
    })
}

/// A TOML value as field data. A table `{ name, path }` or `{ name, data }`
/// is a File (`path` relative to the TOML file's directory).
pub(crate) fn from_toml(value: &toml::Value, dir: &Path) -> Data {
    match value {
        toml::Value::String(s) => Data::Str(s.clone()),
        toml::Value::Integer(i) => Data::Int(*i),
        toml::Value::Float(f) => Data::Float(*f),
        toml::Value::Boolean(b) => Data::Bool(*b),
        toml::Value::Datetime(dt) => datetime(dt),
        toml::Value::Array(items) => Data::Array(items.iter().map(|v| from_toml(v, dir)).collect()),
        toml::Value::Table(t) => {
            if let Some(file) = file_from_table(t, dir) {
                return file;
            }
            Data::Dict(
                t.iter()
                    .map(|(k, v)| (Data::Str(k.clone()), from_toml(v, dir)))
                    .collect(),
            )
        }
    }
}

fn file_from_table(t: &toml::Table, dir: &Path) -> Option<Data> {
    let name = t.get("name")?.as_str()?.to_owned();
    if t.len() != 2 {
        return None;
    }
    if let Some(data) = t.get("data") {
        return Some(Data::File {
            name,
            data: data.as_str()?.as_bytes().to_vec(),
        });
    }
    let path = t.get("path")?.as_str()?;
    Some(Data::File {
        name,
        data: std::fs::read(dir.join(path)).unwrap_or_default(),
    })
}

/// A bare String field that names a file (a `path` relative to `dir`).
pub(crate) fn file_from_path(path: &str, dir: &Path) -> Data {
    let full = dir.join(path);
    let name = full.file_name().and_then(|n| n.to_str()).unwrap_or(path).to_owned();
    Data::File {
        name,
        data: std::fs::read(&full).unwrap_or_default(),
    }
}

fn datetime(dt: &toml::value::Datetime) -> Data {
    let text = dt.to_string();
    match (dt.date.is_some(), dt.time.is_some(), dt.offset.is_some()) {
        (true, true, true) => text.parse::<jiff::Timestamp>().map_or(Data::Str(text), Data::Datetime),
        (true, true, false) => text
            .parse::<jiff::civil::DateTime>()
            .map_or(Data::Str(text), Data::LocalDatetime),
        (true, false, _) => text.parse::<jiff::civil::Date>().map_or(Data::Str(text), Data::Date),
        _ => text.parse::<jiff::civil::Time>().map_or(Data::Str(text), Data::Time),
    }
}
