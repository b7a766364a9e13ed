//! `legalmap user add|password|unlock`: account management from the terminal (how the first
//! admin is made). Each change is logged as an account event by "command line".

use anyhow::{Context, bail};

use crate::config::UserCommand;
use crate::db::Db;
use crate::domain::account_event::COMMAND_LINE_ACTOR;
use crate::domain::staff::{NewPassword, Role, Username};
use crate::web::auth;

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => {
            let username = Username::parse(&args.name).map_err(anyhow::Error::msg)?;
            let role: Role = args.role.parse().map_err(anyhow::Error::msg)?;
            let password = read_password()?;
            let db = Db::connect(&args.database.database_url).await?;
            let created =
                db.create_user(&username, &auth::hash_password(&password), role, COMMAND_LINE_ACTOR).await?;
            db.close().await;
            match created {
                Some(user) => println!("created {} account {:?}", user.role, user.username),
                None => bail!("an account named {:?} exists already", username.as_str()),
            }
        }
        UserCommand::Password(args) => {
            // The database first: a mistyped path is refused before the password is asked for.
            let db = Db::open_existing(&args.database.database_url).await?;
            let password = read_password()?;
            let user = db.user_for_login(&args.name).await?.map(|(user, _)| user);
            let Some(user) = user else { bail!("no account named {:?}", args.name) };
            db.set_password(user.id, &auth::hash_password(&password), COMMAND_LINE_ACTOR).await?;
            db.close().await;
            println!(
                "new password set for {:?}; its sessions were ended and any lock cleared",
                user.username
            );
        }
        UserCommand::Unlock(args) => {
            let db = Db::open_existing(&args.database.database_url).await?;
            let user = db.user_for_login(&args.name).await?.map(|(user, _)| user);
            let Some(user) = user else { bail!("no account named {:?}", args.name) };
            let unlocked = db.unlock_user(user.id, COMMAND_LINE_ACTOR, now_unix()).await?;
            db.close().await;
            if unlocked == Some(true) {
                println!("unlocked {:?}: it can log in again now", user.username);
            } else {
                println!("{:?} is not locked; nothing changed", user.username);
            }
        }
    }
    Ok(())
}

/// From `LEGALMAP_PASSWORD`, or typed twice at the terminal without echo.
fn read_password() -> anyhow::Result<NewPassword> {
    if let Ok(password) = std::env::var("LEGALMAP_PASSWORD") {
        return NewPassword::parse(&password).map_err(|e| anyhow::anyhow!("LEGALMAP_PASSWORD: {e}"));
    }
    let first = rpassword::prompt_password("Password (at least 12 characters): ")
        .context("cannot read the password from the terminal; set LEGALMAP_PASSWORD instead")?;
    let password = NewPassword::parse(&first).map_err(anyhow::Error::msg)?;
    let second = rpassword::prompt_password("Again: ")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(password)
}

fn now_unix() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
}
