//! Following other instances' point writes: one connection LISTENs on [`CHANNEL`] and hands
//! each announcement to the application. When the connection is lost, it is made again with
//! backoff (logged), and a [`Event::Resync`] tells the application that announcements may have
//! been missed, so it compares the data version and reads everything again if it moved.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use crate::announce::Announcement;
use crate::{CHANNEL, PgStore};

/// What the application hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A committed point write (this instance's own included).
    Announced(Announcement),
    /// Listening (again): announcements before this one may have been missed.
    Resync,
}

/// Backoff between attempts to listen again: doubles from the first to the last.
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(5);

/// Starts following announcements; the first event is a [`Event::Resync`] once listening (a
/// write between reading the points and listening is then not lost). Ends when the receiver is
/// dropped or the store is closed.
pub fn follow(store: &PgStore) -> mpsc::Receiver<Event> {
    let (sender, receiver) = mpsc::channel(1024);
    let pool = store.pool.clone();
    tokio::spawn(async move {
        let mut retry = FIRST_RETRY;
        loop {
            let mut listener = match listen(&pool).await {
                Ok(listener) => listener,
                Err(error) if pool.is_closed() => {
                    return tracing::debug!(%error, "store closed: no longer listening");
                }
                Err(error) => {
                    tracing::warn!(%error, retry_ms = retry.as_millis() as u64, "cannot listen for other instances' changes; retrying");
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(LAST_RETRY);
                    continue;
                }
            };
            if retry != FIRST_RETRY {
                tracing::info!("listening for other instances' changes again");
            }
            retry = FIRST_RETRY;
            if sender.send(Event::Resync).await.is_err() {
                return;
            }
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => match Announcement::parse(notification.payload()) {
                        Ok(announced) => {
                            if sender.send(Event::Announced(announced)).await.is_err() {
                                return;
                            }
                        }
                        Err(error) => {
                            tracing::warn!(%error, payload = notification.payload(), "unreadable announcement ignored")
                        }
                    },
                    // The connection was lost (and made again): announcements may be missing.
                    Ok(None) => {
                        tracing::warn!("lost the connection listening for other instances' changes");
                        break;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "lost the connection listening for other instances' changes");
                        break;
                    }
                }
            }
        }
    });
    receiver
}

async fn listen(pool: &sqlx::PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
