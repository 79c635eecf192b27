//! Tenants: one file per municipality, `knowledge/tenants/<code>/tenant.toml`, holding
//! its public configuration (name, greeting, starter questions, theme colour, contact)
//! and the web origins allowed to embed the widget. Its local FAQ entries live in the
//! same folder. Loading validates every file and reports all problems at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where residents can ask a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub department: String,
    pub phone: String,
    pub url: String,
    pub hours: String,
}

/// A municipality's public configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub full_name: String,
    pub greeting: String,
    #[serde(default)]
    pub starter_questions: Vec<String>,
    #[serde(default = "default_theme")]
    pub theme_color: String,
    /// Origins (scheme://host[:port]) whose pages may embed the widget.
    #[serde(default, skip_serializing)]
    pub allowed_origins: Vec<String>,
    pub contact: Contact,
}

fn default_theme() -> String {
    "#1f6f8b".to_string()
}

/// Errors of tenant loading.
#[derive(Debug, thiserror::Error)]
#[error("problems in the tenant files:\n  {}", .0.join("\n  "))]
pub struct TenantError(pub Vec<String>);

/// All tenants, by code.
#[derive(Debug, Clone, Default)]
pub struct Tenants(BTreeMap<String, Tenant>);

impl Tenants {
    /// Loads every `tenants/<code>/tenant.toml` below the knowledge folder.
    pub fn load(knowledge: &Path) -> Result<Self, TenantError> {
        let dir = knowledge.join("tenants");
        let mut tenants = BTreeMap::new();
        let mut problems = Vec::new();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(Tenants(tenants));
        };
        let mut folders: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        for folder in folders {
            let file = folder.join("tenant.toml");
            if !file.is_file() {
                problems.push(format!(
                    "{}: missing tenant.toml (code, name, greeting, contact, allowed_origins)",
                    folder.display()
                ));
                continue;
            }
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!("{}: {e}", file.display()));
                    continue;
                }
            };
            let mut tenant: Tenant = match toml::from_str(&text) {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!("{}: {}", file.display(), e.message()));
                    continue;
                }
            };
            let folder_code = folder
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let before = problems.len();
            validate(&tenant, &folder_code, &file, &mut problems);
            if problems.len() == before {
                if tenant.full_name.is_empty() {
                    tenant.full_name = tenant.name.clone();
                }
                tenants.insert(tenant.code.clone(), tenant);
            }
        }
        if problems.is_empty() {
            Ok(Tenants(tenants))
        } else {
            Err(TenantError(problems))
        }
    }

    /// The tenant with this code.
    pub fn get(&self, code: &str) -> Option<&Tenant> {
        self.0.get(code)
    }

    /// True when some tenant allows `origin`.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.0
            .values()
            .any(|t| t.allowed_origins.iter().any(|o| o == origin))
    }

    /// (code, name) of every tenant, by code.
    pub fn codes(&self) -> Vec<(String, String)> {
        self.0
            .values()
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect()
    }

    /// Number of tenants.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no tenants.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn validate(t: &Tenant, folder_code: &str, file: &Path, problems: &mut Vec<String>) {
    let at = file.display();
    if t.code != folder_code {
        problems.push(format!(
            "{at}: code `{}` must equal the folder name `{folder_code}`",
            t.code
        ));
    }
    if t.code.is_empty()
        || !t
            .code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        problems.push(format!(
            "{at}: code `{}` must be the municipality code (e.g. 131016)",
            t.code
        ));
    }
    for (field, value) in [
        ("name", &t.name),
        ("greeting", &t.greeting),
        ("contact.department", &t.contact.department),
    ] {
        if value.trim().is_empty() {
            problems.push(format!("{at}: {field} is empty"));
        }
    }
    let hex = t.theme_color.len() == 7
        && t.theme_color.starts_with('#')
        && t.theme_color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !hex {
        problems.push(format!(
            "{at}: theme_color `{}` must look like #1f6f8b",
            t.theme_color
        ));
    }
    if !t.contact.url.is_empty()
        && !t.contact.url.starts_with("https://")
        && !t.contact.url.starts_with("http://")
    {
        problems.push(format!("{at}: contact.url must start with https://"));
    }
    for origin in &t.allowed_origins {
        match url::Url::parse(origin) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.path() == "/" && u.query().is_none() && !origin.ends_with('/') => {}
            _ => problems.push(format!("{at}: allowed_origins entry `{origin}` must be an origin like https://www.city.example.jp (no path, no trailing slash)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, code: &str, text: &str) {
        std::fs::create_dir_all(dir.join("tenants").join(code)).unwrap();
        std::fs::write(dir.join("tenants").join(code).join("tenant.toml"), text).unwrap();
    }

    const GOOD: &str = "code = \"990001\"\nname = \"窓口市\"\ngreeting = \"こんにちは\"\nallowed_origins = [\"http://localhost:8080\"]\n[contact]\ndepartment = \"市民課\"\nphone = \"0000\"\nurl = \"https://example.jp/\"\nhours = \"平日\"\n";

    #[test]
    fn loads_valid_tenants() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "990001", GOOD);
        let t = Tenants::load(dir.path()).unwrap();
        assert_eq!(t.get("990001").unwrap().full_name, "窓口市");
        assert_eq!(
            t.get("990001").unwrap().allowed_origins,
            ["http://localhost:8080"]
        );
        assert!(t.allows_origin("http://localhost:8080"));
        assert!(!t.allows_origin("http://evil.example"));
    }

    #[test]
    fn reports_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "990002",
            &GOOD
                .replace("http://localhost:8080", "localhost/x")
                .replace(
                    "greeting = \"こんにちは\"",
                    "greeting = \"\"\ntheme_color = \"blue\"",
                ),
        );
        write(dir.path(), "990003", "code = 1");
        let msg = Tenants::load(dir.path()).unwrap_err().to_string();
        for needle in [
            "must equal the folder name",
            "greeting is empty",
            "theme_color",
            "allowed_origins",
            "990003",
        ] {
            assert!(msg.contains(needle), "missing {needle}: {msg}");
        }
    }
}
