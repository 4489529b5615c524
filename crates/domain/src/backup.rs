//! Full backups as one JSON file, and restoring them.
//!
//! A backup holds every record with its per-field sync state ([`Record`]: value, HLC stamp and
//! op id of each field's winning write), deleted records included. That makes both ways of
//! restoring exact:
//! - **merge** replays each field state as the op that wrote it ([`BackupRecord::to_ops`]),
//!   so last-writer-wins keeps whichever side edited a field last: a restore never overwrites a
//!   newer edit, and restoring twice changes nothing the second time;
//! - **replace** loads the same ops into an empty store ([`Backup::restore_replace`]).
//!
//! The replayed ops keep their original ids and stamps, so other devices that already have
//! them ignore them when they sync.
//!
//! Format (version 1):
//! ```json
//! { "format": "rabet-backup", "version": 1, "created_at": 1700000000000,
//!   "node": "0a1b2c3d4e5f6a7b",
//!   "records": [ { "entity": "contact", "id": "…",
//!                  "fields": { "first_name": { "value": "Ali", "stamp": "…", "op": "…" } } } ] }
//! ```

use crate::hlc::NodeId;
use crate::id::Id;
use crate::kind::EntityKind;
use crate::op::{Op, OpError};
use crate::replica::{Record, Replica};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

/// The `format` marker of every backup file.
pub const BACKUP_FORMAT: &str = "rabet-backup";
/// The format version this code writes and reads.
pub const BACKUP_VERSION: u64 = 1;

/// A full backup of a workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// When the backup was made, Unix ms.
    pub created_at: i64,
    /// The device that made it.
    pub node: NodeId,
    pub records: Vec<BackupRecord>,
}

/// One record and the sync state of each of its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRecord {
    pub entity: EntityKind,
    pub id: Id,
    /// Serialized as the record's `fields` map.
    #[serde(flatten)]
    pub record: Record,
}

/// Why a file could not be read as a backup. Each names what the user should check.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BackupError {
    #[error("the file is not JSON: {0}")]
    NotJson(String),
    /// The JSON is not a Rabet backup (no or another `format` marker).
    #[error("the file is not a Rabet backup")]
    WrongFormat,
    /// Made by a newer (or unknown) version of Rabet.
    #[error("backup version {found} is not supported; this version reads {BACKUP_VERSION}")]
    UnsupportedVersion { found: u64 },
    /// A top-level field is missing or has the wrong type.
    #[error("the backup's {field:?} is missing or invalid")]
    InvalidHeader { field: &'static str },
    /// The record at `index` (0-based, in file order) cannot be read or holds a field that
    /// sync would refuse.
    #[error("record {index} of the backup is malformed: {detail}")]
    MalformedRecord { index: usize, detail: String },
}

/// The file as written; fields in this order so the header reads first.
#[derive(Serialize)]
struct BackupFile<'a> {
    format: &'static str,
    version: u64,
    created_at: i64,
    node: &'a NodeId,
    records: &'a [BackupRecord],
}

impl Backup {
    /// The backup as compact JSON.
    pub fn to_json(&self) -> String {
        let file = BackupFile {
            format: BACKUP_FORMAT,
            version: BACKUP_VERSION,
            created_at: self.created_at,
            node: &self.node,
            records: &self.records,
        };
        serde_json::to_string(&file).expect("a backup is plain data with string keys")
    }

    /// The file [`Backup::to_json`] writes, in pieces: the header, then each record, then the
    /// end. Joined, the pieces are exactly that JSON; a large backup can be written piece by
    /// piece without holding it, or its records, whole.
    pub fn json_pieces<'a>(
        created_at: i64,
        node: &NodeId,
        records: impl IntoIterator<Item = BackupRecord> + 'a,
    ) -> impl Iterator<Item = String> + 'a {
        let empty = BackupFile {
            format: BACKUP_FORMAT,
            version: BACKUP_VERSION,
            created_at,
            node,
            records: &[],
        };
        let mut header = serde_json::to_string(&empty).expect("a header is plain data");
        // `records` is the last field: drop its empty list's `]` and the object's `}`.
        header.truncate(header.len() - "]}".len());
        let records = records.into_iter().enumerate().map(|(index, record)| {
            let json = serde_json::to_string(&record).expect("a record is plain data");
            if index == 0 {
                json
            } else {
                format!(",{json}")
            }
        });
        std::iter::once(header)
            .chain(records)
            .chain(std::iter::once("]}".to_owned()))
    }

    /// Reads a backup, checking the marker and version before anything else, so a wrong file
    /// is named as such rather than as a pile of malformed records.
    pub fn parse(json: &str) -> Result<Backup, BackupError> {
        let file: Value =
            serde_json::from_str(json).map_err(|error| BackupError::NotJson(error.to_string()))?;
        if file.get("format").and_then(Value::as_str) != Some(BACKUP_FORMAT) {
            return Err(BackupError::WrongFormat);
        }
        let header =
            |field: &'static str| file.get(field).ok_or(BackupError::InvalidHeader { field });
        let version = header("version")?
            .as_u64()
            .ok_or(BackupError::InvalidHeader { field: "version" })?;
        if version != BACKUP_VERSION {
            return Err(BackupError::UnsupportedVersion { found: version });
        }
        let created_at = header("created_at")?
            .as_i64()
            .ok_or(BackupError::InvalidHeader {
                field: "created_at",
            })?;
        let node = NodeId::deserialize(header("node")?)
            .map_err(|_| BackupError::InvalidHeader { field: "node" })?;
        let records = header("records")?
            .as_array()
            .ok_or(BackupError::InvalidHeader { field: "records" })?
            .iter()
            .enumerate()
            .map(|(index, record)| {
                parse_record(record)
                    .map_err(|detail| BackupError::MalformedRecord { index, detail })
            })
            .collect::<Result<_, _>>()?;
        Ok(Backup {
            created_at,
            node,
            records,
        })
    }

    /// Restores by merging into `replica`: per field, the later write wins, whichever side it
    /// is on. Returns how many fields changed.
    pub fn restore_merge(&self, replica: &mut Replica) -> usize {
        let ops: Vec<Op> = self.records.iter().flat_map(BackupRecord::to_ops).collect();
        replica.apply_all(&ops)
    }

    /// Restores into an empty store: the records exactly as backed up.
    pub fn restore_replace(&self) -> Replica {
        let mut replica = Replica::default();
        self.restore_merge(&mut replica);
        replica
    }
}

/// Reads one record and checks each field state as sync checks an op, so a restore cannot
/// store what sync would refuse to send.
fn parse_record(value: &Value) -> Result<BackupRecord, String> {
    let record = BackupRecord::deserialize(value).map_err(|error| error.to_string())?;
    record
        .to_ops()
        .iter()
        .try_for_each(Op::validate)
        .map_err(|error: OpError| error.to_string())?;
    Ok(record)
}

impl BackupRecord {
    /// Each field state as the op that wrote it (same op id, stamp and value).
    pub fn to_ops(&self) -> Vec<Op> {
        self.record
            .fields()
            .iter()
            .map(|(field, state)| Op {
                id: state.op.clone(),
                entity: self.entity,
                record: (&self.id).into(),
                field: field.clone(),
                value: state.value.clone(),
                stamp: state.stamp.clone(),
            })
            .collect()
    }

    /// Merges this backed-up record into the stored state of the same record, field by field,
    /// last writer wins. Returns whether anything changed. ([`Record`] has no record-to-record
    /// merge, so this replays the ops.)
    pub fn merge_into(&self, stored: &mut Record) -> bool {
        let changes = self.to_ops().iter().filter(|op| stored.apply(op)).count();
        changes > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Clock;
    use crate::id::WireId;
    use crate::op::OpBuilder;
    use serde_json::{json, Map};

    fn node(byte: u8) -> NodeId {
        NodeId::from_random([byte; 8])
    }

    /// A device writing ops with its own clock and unique op ids.
    struct Device {
        clock: Clock,
        byte: u8,
        ops_made: u8,
    }

    impl Device {
        fn new(byte: u8) -> Self {
            Device {
                clock: Clock::new(node(byte)),
                byte,
                ops_made: 0,
            }
        }

        fn set(&mut self, wall_ms: u64, kind: EntityKind, id: &str, fields: Value) -> Vec<Op> {
            let Value::Object(fields) = fields else {
                panic!("fields must be an object");
            };
            let (byte, ops_made) = (self.byte, &mut self.ops_made);
            let mut new_id = || {
                *ops_made += 1;
                WireId::v7(wall_ms, [byte, *ops_made, 0, 0, 0, 0, 0, 0, 0, 0])
            };
            let mut builder = OpBuilder::new(&mut self.clock, wall_ms, &mut new_id);
            let previous = Map::new();
            builder
                .edit_ops(kind, &Id::from_string(id), Some(&previous), &fields)
                .unwrap()
        }

        fn delete(&mut self, wall_ms: u64, kind: EntityKind, id: &str) -> Op {
            let (byte, ops_made) = (self.byte, &mut self.ops_made);
            let mut new_id = || {
                *ops_made += 1;
                WireId::v7(wall_ms, [byte, *ops_made, 0, 0, 0, 0, 0, 0, 0, 0])
            };
            OpBuilder::new(&mut self.clock, wall_ms, &mut new_id)
                .delete_op(kind, &Id::from_string(id))
        }
    }

    /// A backup of every record in `replica`, as the store would make it.
    fn backup_of(replica: &Replica, records: &[(EntityKind, &str)]) -> Backup {
        let records = records
            .iter()
            .map(|&(entity, id)| {
                let id = Id::from_string(id);
                let record = replica.get(entity, &id).unwrap().clone();
                BackupRecord { entity, id, record }
            })
            .collect();
        Backup {
            created_at: 1_700_000_000_000,
            node: node(1),
            records,
        }
    }

    fn sample() -> (Replica, Backup) {
        let mut device = Device::new(1);
        let mut ops = device.set(
            10,
            EntityKind::Contact,
            "c1",
            json!({"first_name": "علی", "tags": ["VIP"], "became_customer_at": null}),
        );
        ops.extend(device.set(11, EntityKind::Deal, "d1", json!({"title": "Website"})));
        ops.push(device.delete(12, EntityKind::Deal, "d1"));
        let mut replica = Replica::default();
        replica.apply_all(&ops);
        let backup = backup_of(
            &replica,
            &[(EntityKind::Contact, "c1"), (EntityKind::Deal, "d1")],
        );
        (replica, backup)
    }

    #[test]
    fn round_trips_through_json_with_tombstones() {
        let (_, backup) = sample();
        let json = backup.to_json();
        assert!(json.starts_with(r#"{"format":"rabet-backup","version":1,"#));
        assert_eq!(Backup::parse(&json), Ok(backup.clone()));
        let deal = &backup.records[1].record;
        assert!(deal.is_deleted());
        let first_record: Value =
            serde_json::from_str::<Value>(&json).unwrap()["records"][0].clone();
        assert_eq!(first_record["entity"], json!("contact"));
        assert_eq!(first_record["fields"]["first_name"]["value"], json!("علی"));
    }

    #[test]
    fn replace_rebuilds_the_store_exactly() {
        let (replica, backup) = sample();
        assert_eq!(backup.restore_replace(), replica);
        assert_eq!(
            Backup::parse(&backup.to_json()).unwrap().restore_replace(),
            replica
        );
    }

    #[test]
    fn merge_keeps_the_newer_field_from_either_side() {
        let mut old_device = Device::new(1);
        let created = old_device.set(
            10,
            EntityKind::Contact,
            "c1",
            json!({"first_name": "Ali", "notes": "old", "job_title": "Clerk"}),
        );
        let mut at_backup = Replica::default();
        at_backup.apply_all(&created);
        // Edited after the backup on this device, and restored onto a store where another
        // field was edited later than the backup too.
        let newer_in_backup =
            old_device.set(30, EntityKind::Contact, "c1", json!({"notes": "new"}));
        at_backup.apply_all(&newer_in_backup);
        let backup = backup_of(&at_backup, &[(EntityKind::Contact, "c1")]);

        let mut store = Replica::default();
        store.apply_all(&created);
        let mut other_device = Device::new(2);
        let newer_in_store =
            other_device.set(40, EntityKind::Contact, "c1", json!({"job_title": "CEO"}));
        store.apply_all(&newer_in_store);

        assert_eq!(backup.restore_merge(&mut store), 1);
        let fields = store
            .get(EntityKind::Contact, &Id::from_string("c1"))
            .unwrap()
            .to_map();
        assert_eq!(fields["first_name"], json!("Ali"));
        assert_eq!(fields["notes"], json!("new"));
        assert_eq!(fields["job_title"], json!("CEO"));
        // Restoring again changes nothing.
        assert_eq!(backup.restore_merge(&mut store), 0);

        // The same, one record at a time.
        let mut stored = Record::default();
        for op in created.iter().chain(&newer_in_store) {
            stored.apply(op);
        }
        assert!(backup.records[0].merge_into(&mut stored));
        assert!(!backup.records[0].merge_into(&mut stored));
        assert_eq!(stored.to_map(), fields);
    }

    #[test]
    fn reports_each_kind_of_bad_file() {
        let (_, backup) = sample();
        let good: Value = serde_json::from_str(&backup.to_json()).unwrap();
        let with = |path: &[&str], value: Value| {
            let mut file = good.clone();
            let mut slot = &mut file;
            for key in path {
                slot = match key.parse::<usize>() {
                    Ok(index) => &mut slot[index],
                    Err(_) => &mut slot[*key],
                };
            }
            *slot = value;
            Backup::parse(&file.to_string())
        };
        let malformed = |index| move |result: Result<Backup, BackupError>| matches!(result, Err(BackupError::MalformedRecord { index: i, .. }) if i == index);

        assert!(matches!(
            Backup::parse("{\"format\":"),
            Err(BackupError::NotJson(_))
        ));
        assert_eq!(Backup::parse("[1, 2]"), Err(BackupError::WrongFormat));
        assert_eq!(
            with(&["format"], json!("vcard")),
            Err(BackupError::WrongFormat)
        );
        assert_eq!(
            with(&["version"], json!(2)),
            Err(BackupError::UnsupportedVersion { found: 2 })
        );
        assert_eq!(
            with(&["version"], json!("1")),
            Err(BackupError::InvalidHeader { field: "version" })
        );
        assert_eq!(
            with(&["created_at"], json!(null)),
            Err(BackupError::InvalidHeader {
                field: "created_at"
            })
        );
        assert_eq!(
            with(&["node"], json!("not a node")),
            Err(BackupError::InvalidHeader { field: "node" })
        );
        assert_eq!(
            with(&["records"], json!({})),
            Err(BackupError::InvalidHeader { field: "records" })
        );
        assert!(malformed(1)(with(
            &["records", "1", "entity"],
            json!("spaceship")
        )));
        assert!(malformed(0)(with(&["records", "0", "fields"], json!(null))));
        let stamp = good["records"][1]["fields"]["deleted"]["stamp"].clone();
        let bad_stamp = with(
            &["records", "1", "fields", "deleted", "stamp"],
            json!("yesterday"),
        );
        assert!(malformed(1)(bad_stamp));
        // Well-formed, but a field sync would refuse.
        let bad_tombstone = with(
            &["records", "1", "fields", "deleted"],
            json!({"value": "yes", "stamp": stamp, "op": "x"}),
        );
        assert_eq!(
            bad_tombstone,
            Err(BackupError::MalformedRecord {
                index: 1,
                detail: OpError::DeletedNotBool.to_string()
            })
        );
    }
}
