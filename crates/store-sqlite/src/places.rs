//! The residential places staff uploaded for coverage.

use async_trait::async_trait;
use legalmap_domain::LonLat;
use legalmap_domain::place::Place;
use legalmap_store::{DbError, PlaceStore};

use super::SqliteStore;

#[async_trait]
impl PlaceStore for SqliteStore {
    async fn replace_places(&self, places: &[Place], uploaded_by: &str) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!("DELETE FROM residential_places").execute(&mut *tx).await?;
        for place in places {
            let (lon, lat) = (place.location.lon(), place.location.lat());
            sqlx::query!(
                "INSERT INTO residential_places (name, lon, lat, population, uploaded_by) VALUES (?, ?, ?, ?, ?)",
                place.name,
                lon,
                lat,
                place.population,
                uploaded_by
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn places(&self) -> Result<Vec<Place>, DbError> {
        let rows = sqlx::query!("SELECT name, lon, lat, population FROM residential_places ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|row| {
                let location = LonLat::parse(row.lon, row.lat).map_err(|e| DbError::Corrupt {
                    code: format!("place {}", row.name),
                    reason: e.to_string(),
                })?;
                Ok(Place { name: row.name, location, population: row.population })
            })
            .collect()
    }
}
