//! `cutroom serve` and `cutroom admin`: the service, and the operator's commands on its data.

use anyhow::{Context, Result};
use cutroom_engine::{Config, Engine, new_token, now, token_hash};
use cutroom_store::{SqliteStore, Store};
use std::path::{Path, PathBuf};

/// Where the configuration comes from: a file, the environment, then these flags.
#[derive(clap::Args, Clone, Debug)]
pub struct ConfigArgs {
    /// A cutroom.toml (see docs/cutroom.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where the database, media and renders live [default: ./data].
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

impl ConfigArgs {
    pub fn load(&self) -> Result<Config> {
        let mut c = Config::load(self.config.as_deref())?;
        if let Some(d) = &self.data_dir {
            c.data_dir = d.clone();
        }
        Ok(c)
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

pub fn serve(args: &ConfigArgs, bind: Option<String>) -> Result<()> {
    let mut config = args.load()?;
    if let Some(b) = bind {
        config.bind = b;
    }
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&config.bind)
            .await
            .with_context(|| format!("listening on {}", config.bind))?;
        let addr = listener.local_addr()?;
        let data = config.data_dir.clone();
        let engine = Engine::open(config).await?;
        println!("cutroom listening on http://{addr} (data in {})", data.display());
        cutroom_server::serve(listener, engine, shutdown_signal()).await?;
        println!("cutroom stopped");
        Ok(())
    })
}

/// Operator commands.
#[derive(clap::Subcommand)]
pub enum Admin {
    /// Give an account credits (ACCOUNT: an account id, bind id or client id).
    Grant {
        account: String,
        credits: i64,
        #[arg(long, default_value = "granted by the operator")]
        note: String,
    },
    /// Make a registered account and print a token for it.
    CreateAccount {
        name: String,
        #[arg(long, default_value_t = 0)]
        credits: i64,
    },
    /// List accounts and their credits.
    Accounts,
    /// Requests per attribution source (X-Skill-Source / Version / Platform).
    Usage,
}

async fn open_store(data: &Path) -> Result<SqliteStore> {
    let db = data.join("state.db");
    if !db.is_file() {
        anyhow::bail!("no cutroom data in {} (start `cutroom serve` once, or pass --data-dir)", data.display());
    }
    Ok(SqliteStore::open(&db).await?)
}

pub fn admin(args: &ConfigArgs, cmd: Admin) -> Result<()> {
    let config = args.load()?;
    runtime()?.block_on(async move {
        let store = open_store(&config.data_dir).await?;
        match cmd {
            Admin::Grant { account, credits, note } => {
                let a = store.find_account(&account).await.context("no such account")?;
                let a = store.grant(&a.id, credits, &note, now()).await?;
                println!("{}: {} available, {} frozen", a.id, a.available, a.frozen);
            }
            Admin::CreateAccount { name, credits } => {
                let a = store.create_account(&name, credits, now()).await?;
                let token = new_token();
                store.add_token(&a.id, &token_hash(&token), now(), config.token_days * 86_400).await?;
                println!("account {} ({name}) with {credits} credits", a.id);
                println!("token (shown once, valid {} days): {token}", config.token_days);
            }
            Admin::Accounts => {
                println!("{:<40} {:<10} {:>10} {:>8}  name", "account", "kind", "available", "frozen");
                for a in store.accounts().await? {
                    println!(
                        "{:<40} {:<10} {:>10} {:>8}  {}",
                        a.id,
                        a.kind,
                        a.available,
                        a.frozen,
                        a.name.unwrap_or_default()
                    );
                }
            }
            Admin::Usage => {
                println!("{:<28} {:<10} {:<12} {:<14} {:>8}", "source", "version", "platform", "route", "requests");
                for u in store.usage().await? {
                    println!("{:<28} {:<10} {:<12} {:<14} {:>8}", u.source, u.version, u.platform, u.route, u.count);
                }
            }
        }
        store.close().await;
        Ok(())
    })
}
