//! The object tree on disk (`cli-and-layout.md` "Files: the object tree",
//! `stdlib.md` section 5).
//!
//! [`ObjectStore`] reads a flow root lazily: an object is looked up on
//! first use and kept for the run, with an id unique within the run. Field
//! writes are kept in memory for every process of the engine and never
//! written back to the `.toml` file (`language.md` 3.5). The store is
//! engine-wide and `Send + Sync` (behind an `RwLock`; objects are not on
//! the hot path).

mod data;
mod jobflow;
mod load;

pub use data::Data;
pub use jobflow::{scan_parameters, JobflowInfo, ScanInspector, SourceInspector};

use indexmap::IndexMap;
use jobflow_vm::native::{NativeError, ObjectTree};
use jobflow_vm::value::{DictMap, Key, ObjectRef};
use jobflow_vm::Value;
use load::Kind;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

/// Why the object tree could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    /// A file could not be read.
    #[error("cannot read {path}: {detail}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        detail: String,
    },
    /// A `.toml` data object is malformed.
    #[error("invalid data object {path}: {detail}")]
    Toml {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// No object at this path.
    #[error("Object \"{0}\" is not found")]
    NotFound(String),
    /// A field that cannot be written.
    #[error("{0}")]
    ReadOnly(String),
}

/// The properties every object has (`stdlib.md` 5.0).
pub const COMMON_PROPERTIES: [&str; 11] = [
    "id",
    "abspath",
    "name",
    "display_name",
    "description",
    "type_name",
    "field_names",
    "parent_object",
    "children",
    "created",
    "updated",
];

/// One object, as read from disk.
#[derive(Debug)]
struct Node {
    id: i64,
    abspath: String,
    path: PathBuf,
    kind: Kind,
    created: Option<SystemTime>,
    updated: Option<SystemTime>,
}

#[derive(Default)]
struct Inner {
    nodes: HashMap<String, Option<Arc<Node>>>,
    writes: HashMap<(String, String), Data>,
    next_id: i64,
}

/// The object tree of a flow root.
pub struct ObjectStore {
    root: PathBuf,
    inner: RwLock<Inner>,
    inspector: Arc<dyn SourceInspector>,
}

impl std::fmt::Debug for ObjectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectStore")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// The fields a known data type always has, with their defaults
/// (`stdlib.md` 5.4–5.7).
fn type_fields(type_name: &str) -> &'static [(&'static str, Option<&'static str>)] {
    match type_name {
        "NodeInfo" => &[
            ("hostname", None),
            ("ipaddr", None),
            ("port", None),
            ("conntype", None),
            ("shell", Some("/bin/bash")),
            ("use_shell", None),
            ("proxy", None),
            ("account", None),
            ("nodetype", None),
        ],
        "AccountInfo" => &[
            ("user", None),
            ("password", None),
            ("keyfile", None),
            ("passphrase", None),
        ],
        "SmtpServer" => &[
            ("hostname", Some("localhost")),
            ("port", None),
            ("username", None),
            ("password", None),
            ("timeout", None),
            ("use_tls", None),
            ("use_ssl", None),
        ],
        "Environment" => &[("environment", None)],
        "Config" => &[("data", None)],
        _ => &[],
    }
}

impl ObjectStore {
    /// The tree rooted at the directory `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ObjectStore {
            root: root.into(),
            inner: RwLock::new(Inner::default()),
            inspector: Arc::new(ScanInspector),
        }
    }

    /// Uses `inspector` (the compiler, installed by the binary) for the
    /// `parameters`, `errors` and `executable` fields of Jobflows.
    pub fn with_inspector(mut self, inspector: Arc<dyn SourceInspector>) -> Self {
        self.inspector = inspector;
        self
    }

    /// The flow root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The node at `abspath`, read from disk on first use.
    fn node(&self, abspath: &str) -> Option<Arc<Node>> {
        let abspath = normalize(abspath);
        if let Some(found) = self
            .inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .nodes
            .get(&abspath)
        {
            return found.clone();
        }
        let loaded = self.load(&abspath);
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = inner.nodes.get(&abspath) {
            return found.clone();
        }
        let node = loaded.map(|(path, kind)| {
            inner.next_id += 1;
            let meta = std::fs::metadata(&path).ok();
            Arc::new(Node {
                id: inner.next_id,
                abspath: abspath.clone(),
                path,
                kind,
                created: meta.as_ref().and_then(|m| m.created().or_else(|_| m.modified()).ok()),
                updated: meta.as_ref().and_then(|m| m.modified().ok()),
            })
        });
        inner.nodes.insert(abspath, node.clone());
        node
    }

    fn load(&self, abspath: &str) -> Option<(PathBuf, Kind)> {
        if abspath == "/" {
            return self.root.is_dir().then(|| (self.root.clone(), Kind::Directory));
        }
        let (parent, name) = abspath.rsplit_once('/')?;
        let parent = self.node(if parent.is_empty() { "/" } else { parent })?;
        if !matches!(parent.kind, Kind::Directory) {
            return None;
        }
        match load::resolve_name(&parent.path, name) {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(object = abspath, error = %e, "cannot read object");
                None
            }
        }
    }

    /// The names of the children of a directory node, sorted.
    fn child_names(&self, node: &Node) -> Vec<String> {
        if !matches!(node.kind, Kind::Directory) {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir(&node.path) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().and_then(|f| load::entry_name(&node.path, f)))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn child_path(node: &Node, name: &str) -> String {
        if node.abspath == "/" {
            format!("/{name}")
        } else {
            format!("{}/{name}", node.abspath)
        }
    }

    fn children_of(&self, node: &Node) -> Vec<ObjectRef> {
        self.child_names(node)
            .into_iter()
            .map(|n| Self::child_path(node, &n))
            .filter(|p| self.node(p).is_some())
            .map(|abspath| ObjectRef { abspath })
            .collect()
    }

    fn type_name(node: &Node) -> &str {
        match &node.kind {
            Kind::Directory => "Directory",
            Kind::Jobflow { .. } => "Jobflow",
            Kind::Script { .. } => "ScriptJob",
            Kind::Data { type_name, .. } => type_name,
        }
    }

    /// The names of the fields of `node`.
    fn field_names(node: &Node) -> Vec<String> {
        match &node.kind {
            Kind::Directory => Vec::new(),
            Kind::Jobflow { .. } => ["source", "parameters", "executable", "errors", "compilerVersion"]
                .map(String::from)
                .to_vec(),
            Kind::Script { .. } => vec!["source".into(), "ext".into()],
            Kind::Data { type_name, fields, .. } => {
                let mut names: Vec<String> = type_fields(type_name).iter().map(|(n, _)| (*n).to_owned()).collect();
                for k in fields.keys() {
                    if !names.contains(k) {
                        names.push(k.clone());
                    }
                }
                names
            }
        }
    }

    fn source(node: &Node) -> String {
        let path = match &node.kind {
            Kind::Jobflow { source: Some(p) } => p,
            Kind::Script { .. } => &node.path,
            _ => return String::new(),
        };
        std::fs::read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// A field of `node` as data, writes first.
    fn field(&self, node: &Node, name: &str) -> Option<Data> {
        let written = self
            .inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .writes
            .get(&(node.abspath.clone(), name.to_owned()))
            .cloned();
        if written.is_some() {
            return written;
        }
        let Kind::Data { type_name, fields, .. } = &node.kind else {
            return None;
        };
        let dir = node.path.parent().unwrap_or(Path::new("."));
        let parent_abspath = node
            .abspath
            .rsplit_once('/')
            .map_or("/", |(p, _)| if p.is_empty() { "/" } else { p });
        match fields.get(name) {
            Some(Data::Str(s)) if is_object_field(type_name, name) => {
                let base = parent_abspath.to_owned();
                Some(Data::Object(crate::functions::path::resolve(
                    &base,
                    std::slice::from_ref(s),
                )))
            }
            Some(Data::Str(s)) if is_file_field(type_name, name) => Some(load::file_from_path(s, dir)),
            Some(d) => Some(d.clone()),
            None => {
                let (_, default) = type_fields(type_name).iter().find(|(n, _)| *n == name)?;
                Some(match default {
                    Some(text) => Data::Str((*text).to_owned()),
                    None => self.computed_default(type_name, name, fields),
                })
            }
        }
    }

    /// Defaults that depend on other fields (SmtpServer `port`, `timeout`),
    /// and the empty tables of a Config or Environment without them.
    fn computed_default(&self, type_name: &str, name: &str, fields: &IndexMap<String, Data>) -> Data {
        let flag = |f: &str| matches!(fields.get(f), Some(Data::Bool(true)));
        match (type_name, name) {
            ("SmtpServer", "port") => Data::Int(if flag("use_ssl") {
                465
            } else if flag("use_tls") {
                587
            } else {
                25
            }),
            ("SmtpServer", "timeout") => Data::Int(60),
            ("SmtpServer", "use_tls" | "use_ssl") => Data::Bool(false),
            // The settings tables are Dictionaries, empty when left out.
            ("Config", "data") | ("Environment", "environment") => Data::Dict(Vec::new()),
            _ => Data::Null,
        }
    }

    /// Writes the field `name` of the object at `abspath`, for every process
    /// of the engine (the `.toml` file is not changed). A Dictionary
    /// `{name, data}` written to a File field becomes a File.
    pub fn set_field(&self, abspath: &str, name: &str, value: &Value) -> Result<(), ObjectError> {
        let node = self
            .node(abspath)
            .ok_or_else(|| ObjectError::NotFound(abspath.to_owned()))?;
        let Kind::Data { type_name, fields, .. } = &node.kind else {
            return Err(ObjectError::ReadOnly(format!(
                "'{}' object field '{name}' is read-only",
                Self::type_name(&node)
            )));
        };
        if COMMON_PROPERTIES.contains(&name) {
            return Err(ObjectError::ReadOnly(format!("property '{name}' is read-only")));
        }
        if is_read_only_field(type_name, name) {
            return Err(ObjectError::ReadOnly(format!(
                "'{type_name}' object field '{name}' is read-only"
            )));
        }
        let was_file = matches!(fields.get(name), Some(Data::File { .. })) || is_file_field(type_name, name);
        let mut data = Data::from_value(value);
        if was_file {
            if let Data::Dict(entries) = &data {
                let get = |k: &str| {
                    entries
                        .iter()
                        .find(|(key, _)| *key == Data::Str(k.into()))
                        .map(|(_, v)| v)
                };
                if let (Some(Data::Str(n)), Some(d)) = (get("name"), get("data")) {
                    let bytes = match d {
                        Data::Str(s) => s.as_bytes().to_vec(),
                        Data::Binary(b) => b.clone(),
                        _ => Vec::new(),
                    };
                    data = Data::File {
                        name: n.clone(),
                        data: bytes,
                    };
                }
            }
        }
        self.inner
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .writes
            .insert((node.abspath.clone(), name.to_owned()), data);
        Ok(())
    }

    fn object(abspath: &str) -> Value {
        Value::Object(Rc::new(ObjectRef {
            abspath: abspath.to_owned(),
        }))
    }

    fn time(t: Option<SystemTime>) -> Value {
        t.and_then(|t| jiff::Timestamp::try_from(t).ok())
            .map_or(Value::Null, |ts| {
                Value::datetime(ts.to_zoned(jiff::tz::TimeZone::system()))
            })
    }

    /// The node of `object`, when it exists and its type is implemented.
    fn readable(&self, object: &ObjectRef) -> Result<Arc<Node>, NativeError> {
        let node = self
            .node(&object.abspath)
            .ok_or_else(|| NativeError::new(ObjectError::NotFound(object.abspath.clone()).to_string()))?;
        if let Kind::Data { type_name, .. } = &node.kind {
            if load::NOT_IMPLEMENTED.contains(&type_name.as_str()) {
                return Err(NativeError::new(format!("{type_name}: not implemented")));
            }
        }
        Ok(node)
    }

    /// A property of `node` (`stdlib.md` 5.0, 5.2, 5.3), if it is one.
    fn property(&self, node: &Node, name: &str) -> Option<Value> {
        let name_of = || node.abspath.rsplit('/').next().unwrap_or("").to_owned();
        Some(match name {
            "id" => Value::Int(node.id),
            "abspath" => Value::str(node.abspath.as_str()),
            "name" => Value::str(name_of()),
            "display_name" => match &node.kind {
                Kind::Data {
                    display_name: Some(d), ..
                } => Value::str(d.as_str()),
                _ => Value::str(name_of()),
            },
            "description" => match &node.kind {
                Kind::Data {
                    description: Some(d), ..
                } => Value::str(d.as_str()),
                _ => Value::str(""),
            },
            "type_name" => Value::str(Self::type_name(node)),
            "field_names" => Value::array(Self::field_names(node).into_iter().map(Value::str).collect()),
            "parent_object" => match node.abspath.rsplit_once('/') {
                _ if node.abspath == "/" => Value::Null,
                Some(("", _)) => Self::object("/"),
                Some((p, _)) => Self::object(p),
                None => Value::Null,
            },
            "children" => Value::array(
                self.children_of(node)
                    .into_iter()
                    .map(|o| Value::Object(Rc::new(o)))
                    .collect(),
            ),
            "created" => Self::time(node.created),
            "updated" => Self::time(node.updated),
            _ => return self.kind_field(node, name),
        })
    }

    /// The fields of Jobflows and ScriptJobs.
    fn kind_field(&self, node: &Node, name: &str) -> Option<Value> {
        match (&node.kind, name) {
            (Kind::Jobflow { .. } | Kind::Script { .. }, "source") => Some(Value::str(Self::source(node))),
            (Kind::Script { ext }, "ext") => Some(Value::str(ext.as_str())),
            (Kind::Jobflow { .. }, "compilerVersion") => Some(Value::str(env!("CARGO_PKG_VERSION"))),
            (Kind::Jobflow { source }, "parameters" | "errors" | "executable") => {
                let info = match source {
                    Some(_) => self.inspector.inspect(&Self::source(node)),
                    None => JobflowInfo::default(),
                };
                Some(match name {
                    "parameters" => {
                        let map: DictMap = info
                            .parameters
                            .into_iter()
                            .map(|(n, d)| (Key::str(n), d.map_or(Value::Null, Value::str)))
                            .collect();
                        Value::dict(map)
                    }
                    "errors" => {
                        let map: DictMap = info
                            .errors
                            .into_iter()
                            .map(|(line, msg)| (Key::str(line.to_string()), Value::str(msg)))
                            .collect();
                        Value::dict(map)
                    }
                    _ => Value::Bool(info.errors.is_empty()),
                })
            }
            _ => None,
        }
    }
}

/// Object-valued fields of the known types: written as path Strings.
fn is_object_field(type_name: &str, name: &str) -> bool {
    matches!((type_name, name), ("NodeInfo", "proxy" | "account"))
}

/// Fields that describe a type's form and cannot be written (`stdlib.md` 5.6).
fn is_read_only_field(type_name: &str, name: &str) -> bool {
    matches!(
        (type_name, name),
        ("Config", "fieldNames" | "fieldDisplayNames" | "fieldTypes")
    )
}

/// File fields of the known types: a bare String is a path.
fn is_file_field(type_name: &str, name: &str) -> bool {
    matches!((type_name, name), ("AccountInfo", "keyfile"))
}

/// `abspath` with a leading `/`, no trailing `/`, no empty segments.
fn normalize(abspath: &str) -> String {
    let segments: Vec<&str> = abspath.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    format!("/{}", segments.join("/"))
}

impl ObjectTree for ObjectStore {
    fn lookup(&self, abspath: &str) -> Option<ObjectRef> {
        self.node(abspath).map(|n| ObjectRef {
            abspath: n.abspath.clone(),
        })
    }

    fn get(&self, object: &ObjectRef, name: &str) -> Result<Option<Value>, NativeError> {
        let node = self.readable(object)?;
        if let Some(v) = self.property(&node, name) {
            return Ok(Some(v));
        }
        Ok(self.field(&node, name).map(|d| d.to_value()))
    }

    fn get_field(&self, object: &ObjectRef, name: &str) -> Result<Option<Value>, NativeError> {
        let node = self.readable(object)?;
        if !COMMON_PROPERTIES.contains(&name) {
            if let Some(v) = self.kind_field(&node, name) {
                return Ok(Some(v));
            }
        }
        Ok(self.field(&node, name).map(|d| d.to_value()))
    }

    fn children(&self, object: &ObjectRef) -> Vec<ObjectRef> {
        match self.node(&object.abspath) {
            Some(node) => self.children_of(&node),
            None => Vec::new(),
        }
    }

    fn set(&self, object: &ObjectRef, name: &str, value: &Value) -> Result<(), NativeError> {
        self.set_field(&object.abspath, name, value)
            .map_err(|e| NativeError::new(e.to_string()))
    }
}
