//! A private PostgreSQL cluster: the default database of the server when `DATABASE_URL` is unset (contract §1.1),
//! and the test harness's database. It listens on a Unix socket inside its own directory only (no TCP port).
//! When the process runs as root, the cluster runs as the `postgres` OS user, since PostgreSQL refuses root.

use crate::error::StorageError;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Longest Unix socket path most systems accept (`sun_path` is 108 bytes including the NUL).
const MAX_SOCKET_PATH: usize = 107;

#[derive(Debug, Clone)]
pub struct LocalCluster {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    run_as: Option<String>,
    /// Extra `-c name=value` settings (the test cluster trades durability for speed).
    settings: Vec<(String, String)>,
}

impl LocalCluster {
    /// A cluster in `data_dir` using the machine's PostgreSQL server binaries.
    pub fn new(data_dir: impl Into<PathBuf>) -> Result<Self, StorageError> {
        let data_dir = absolute(data_dir.into())?;
        let bin_dir = find_server_binaries().ok_or_else(|| {
            StorageError::Cluster(
                "DATABASE_URL is not set and no PostgreSQL server binaries (initdb, pg_ctl) were found; install them \
                 (e.g. `apt-get install postgresql`) or set DATABASE_URL"
                    .into(),
            )
        })?;
        let run_as = is_root().then(|| "postgres".to_string());
        let socket = data_dir.join(".s.PGSQL.5432");
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(StorageError::Cluster(format!(
                "the private PostgreSQL socket path {} is too long; choose a shorter DATA_DIR",
                socket.display()
            )));
        }
        Ok(LocalCluster {
            data_dir,
            bin_dir,
            run_as,
            settings: Vec::new(),
        })
    }

    /// Adds a server setting for every start.
    pub fn with_setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.into(), value.into()));
        self
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A connection URL for `database` over the cluster's socket.
    pub fn url(&self, database: &str) -> String {
        let socket_dir = self.data_dir.to_string_lossy().replace('%', "%25").replace('/', "%2F");
        format!("postgresql://postgres@{socket_dir}/{database}")
    }

    /// Initialises the cluster on first use and starts it unless it is running; `true` when this call started it.
    /// Safe to call from several processes at once: a lock file next to the data directory serialises them.
    pub fn ensure_started(&self) -> Result<bool, StorageError> {
        let parent = self.data_dir.parent().unwrap_or(Path::new("/"));
        fs::create_dir_all(parent).map_err(|e| cluster_err("create the data directory's parent", e))?;
        let lock_path = parent.join(format!(
            "{}.lock",
            self.data_dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let lock = fs::File::create(&lock_path).map_err(|e| cluster_err("create the cluster lock file", e))?;
        lock.lock().map_err(|e| cluster_err("lock the cluster", e))?;
        let result = self.start_locked();
        let _ = lock.unlock();
        result
    }

    fn start_locked(&self) -> Result<bool, StorageError> {
        self.check_enterable()?;
        if !self.data_dir.join("PG_VERSION").exists() {
            self.init()?;
        }
        if self.is_running() {
            return Ok(false);
        }
        let dir = self.data_dir.to_string_lossy().into_owned();
        let mut options = format!("-k '{dir}' -c listen_addresses=''");
        for (name, value) in &self.settings {
            options.push_str(&format!(" -c {name}={value}"));
        }
        let log = self.data_dir.join("server.log").to_string_lossy().into_owned();
        let out = self.pg_ctl(&["-D", &dir, "-l", &log, "-o", &options, "-w", "-t", "60", "start"])?;
        if !out.status.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            return Err(StorageError::Cluster(format!(
                "the private PostgreSQL did not start: {} {}",
                String::from_utf8_lossy(&out.stderr).trim(),
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            )));
        }
        Ok(true)
    }

    /// Running as root, PostgreSQL runs as `postgres`, which must be able to enter every directory above the data
    /// directory; a `0700` one (what `mktemp -d` makes) is named, with the fix.
    fn check_enterable(&self) -> Result<(), StorageError> {
        let Some(user) = &self.run_as else { return Ok(()) };
        let Some(parent) = self.data_dir.parent() else {
            return Ok(());
        };
        let enterable = |dir: &Path| {
            Command::new("runuser")
                .args(["-u", user, "--", "test", "-x"])
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success())
        };
        if enterable(parent) {
            return Ok(());
        }
        let blocking = parent
            .ancestors()
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .find(|dir| dir.exists() && !enterable(dir));
        let Some(dir) = blocking else { return Ok(()) };
        Err(StorageError::DataDirectory(format!(
            "running as root, the private PostgreSQL runs as the `{user}` OS user, which cannot enter {}; make it \
             enterable (`chmod o+x {}`) or choose a DATA_DIR outside it",
            dir.display(),
            dir.display()
        )))
    }

    fn init(&self) -> Result<(), StorageError> {
        fs::create_dir_all(&self.data_dir).map_err(|e| cluster_err("create the data directory", e))?;
        if let Some(user) = &self.run_as {
            chown_to(user, &self.data_dir)?;
        }
        set_owner_only(&self.data_dir);
        let dir = self.data_dir.to_string_lossy().into_owned();
        let mut out = Output {
            status: Default::default(),
            stdout: Vec::new(),
            stderr: Vec::new(),
        };
        // C.UTF-8 gives Unicode-aware case folding (ILIKE); plain C where that locale is missing.
        for locale in ["C.UTF-8", "C"] {
            out = self.run(
                "initdb",
                &[
                    "-D",
                    &dir,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    &format!("--locale={locale}"),
                ],
            )?;
            if out.status.success() {
                return Ok(());
            }
        }
        Err(StorageError::Cluster(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or_default()
        )))
    }

    pub fn is_running(&self) -> bool {
        let dir = self.data_dir.to_string_lossy().into_owned();
        self.pg_ctl(&["-D", &dir, "status"])
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    /// Stops the cluster (fast shutdown: open sessions are ended, committed data is kept).
    pub fn stop(&self) -> Result<(), StorageError> {
        if !self.is_running() {
            return Ok(());
        }
        let dir = self.data_dir.to_string_lossy().into_owned();
        let out = self.pg_ctl(&["-D", &dir, "-m", "fast", "-w", "-t", "60", "stop"])?;
        if out.status.success() {
            Ok(())
        } else {
            Err(StorageError::Cluster(format!(
                "pg_ctl stop failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )))
        }
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<Output, StorageError> {
        self.run("pg_ctl", args)
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<Output, StorageError> {
        let binary = self.bin_dir.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&binary);
                c
            }
            None => Command::new(&binary),
        };
        command
            .args(args)
            .current_dir(self.data_dir.parent().unwrap_or(Path::new("/")));
        command.stdin(std::process::Stdio::null());
        command.output().map_err(|e| cluster_err(&format!("run {program}"), e))
    }
}

fn cluster_err(what: &str, e: std::io::Error) -> StorageError {
    StorageError::Cluster(format!("cannot {what}: {e}"))
}

/// An absolute path without `.` components (the socket path must be short and the logs readable).
fn absolute(path: PathBuf) -> Result<PathBuf, StorageError> {
    let path = if path.is_absolute() {
        path
    } else {
        std::env::current_dir()
            .map_err(|e| cluster_err("read the working directory", e))?
            .join(path)
    };
    Ok(path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect())
}

/// The directory holding `initdb` and `pg_ctl`: `PATH`, then Debian's `/usr/lib/postgresql/*/bin` (newest first),
/// then Homebrew's locations.
pub fn find_server_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_both(&dir) {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| has_both(d))
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(newest) = versions.pop() {
        return Some(newest);
    }
    [
        "/opt/homebrew/bin",
        "/usr/local/bin",
        "/opt/homebrew/opt/postgresql/bin",
        "/usr/local/opt/postgresql/bin",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|d| has_both(d))
}

/// Whether the OS user a private cluster runs as can enter `dir` and every directory above it: always when this
/// process is not root (the cluster runs as this user), else whether `postgres` can.
pub fn server_user_can_enter(dir: &Path) -> bool {
    if !is_root() {
        return true;
    }
    Command::new("runuser")
        .args(["-u", "postgres", "--", "test", "-x"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn chown_to(user: &str, dir: &Path) -> Result<(), StorageError> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, user]).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    let (Some(uid), Some(gid)) = (id("-u"), id("-g")) else {
        return Err(StorageError::Cluster(format!(
            "running as root, PostgreSQL must run as the `{user}` OS user, which does not exist"
        )));
    };
    std::os::unix::fs::chown(dir, Some(uid), Some(gid))
        .map_err(|e| cluster_err("hand the data directory to postgres", e))
}

fn set_owner_only(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
}
