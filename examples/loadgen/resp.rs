//! Just enough of the Redis protocol (RESP2) for GEOADD and GEOSEARCH.

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Debug)]
pub enum Reply {
    Simple(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Reply>),
}

pub struct RedisConn {
    stream: BufReader<TcpStream>,
}

impl RedisConn {
    pub async fn connect(address: &str) -> anyhow::Result<Self> {
        let stream =
            TcpStream::connect(address).await.with_context(|| format!("cannot connect to {address}"))?;
        stream.set_nodelay(true)?;
        Ok(Self { stream: BufReader::new(stream) })
    }

    /// Sends several commands at once, then reads their replies (pipelining).
    pub async fn pipeline(&mut self, commands: &[Vec<String>]) -> anyhow::Result<Vec<Reply>> {
        let mut out = Vec::new();
        for args in commands {
            out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
            for arg in args {
                out.extend_from_slice(format!("${}\r\n{arg}\r\n", arg.len()).as_bytes());
            }
        }
        self.stream.get_mut().write_all(&out).await?;
        let mut replies = Vec::with_capacity(commands.len());
        for _ in commands {
            replies.push(self.read_reply().await?);
        }
        Ok(replies)
    }

    pub async fn command(&mut self, args: Vec<String>) -> anyhow::Result<Reply> {
        Ok(self.pipeline(&[args]).await?.pop().expect("one reply per command"))
    }

    async fn read_reply(&mut self) -> anyhow::Result<Reply> {
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            bail!("Redis closed the connection");
        }
        let (kind, rest) = line.trim_end().split_at(1);
        Ok(match kind {
            "+" => Reply::Simple(rest.to_owned()),
            "-" => bail!("Redis error: {rest}"),
            ":" => Reply::Integer(rest.parse()?),
            "$" => {
                let length: i64 = rest.parse()?;
                if length < 0 {
                    Reply::Bulk(None)
                } else {
                    let mut data = vec![0; length as usize + 2];
                    self.stream.read_exact(&mut data).await?;
                    data.truncate(length as usize);
                    Reply::Bulk(Some(data))
                }
            }
            "*" => {
                let count: i64 = rest.parse()?;
                let mut items = Vec::with_capacity(count.max(0) as usize);
                for _ in 0..count.max(0) {
                    items.push(Box::pin(self.read_reply()).await?);
                }
                Reply::Array(items)
            }
            other => bail!("unexpected Redis reply type {other:?}"),
        })
    }
}

impl Reply {
    pub fn text(&self) -> Option<String> {
        match self {
            Reply::Bulk(Some(data)) => String::from_utf8(data.clone()).ok(),
            Reply::Simple(text) => Some(text.clone()),
            Reply::Integer(n) => Some(n.to_string()),
            _ => None,
        }
    }
}
