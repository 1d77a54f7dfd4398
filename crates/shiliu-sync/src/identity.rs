//! A PC's membership of a school: founding one, the device list, revoking a device.
//!
//! Founding makes this PC's key pair, the school id (from its public key), a random 32-byte
//! school key and a self-signed founder certificate. Other PCs join with a join file
//! ([`crate::join`]). Certificates and revocations are written as synced rows, so they reach
//! every PC with the next exchange.

use serde::Serialize;
use shiliu_store::{DeviceId, Store, SyncIdentity, Timestamp};

use crate::error::{Result, SyncError};
use crate::keys::{DeviceCert, DeviceKey, Issuer, Revocation, random_bytes, school_id_for};
use crate::registry::{Registry, cert_row, revocation_row};

/// This PC's loaded membership: ids and keys.
pub struct Member {
    pub school: String,
    pub school_name: String,
    pub school_key: Vec<u8>,
    pub device: DeviceId,
    pub device_name: String,
    pub key: DeviceKey,
}

impl Member {
    /// The membership of the PC `store` belongs to.
    pub fn load(store: &Store) -> Result<Member> {
        let id = store.sync_identity()?.ok_or(SyncError::NoSchool)?;
        if id.device != store.device().id {
            return Err(SyncError::IdentityChanged);
        }
        Ok(Member {
            school: id.school_id,
            school_name: id.school_name,
            school_key: id.school_key,
            device: id.device,
            device_name: store.device().name.clone(),
            key: DeviceKey::from_secret(&id.device_secret)?,
        })
    }
}

/// A school as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolInfo {
    pub id: String,
    pub name: String,
    pub joined: Timestamp,
    pub this_device: DeviceId,
}

/// Founds a school with this PC as its first device (and the school's facility, if none).
pub fn create_school(store: &mut Store, name: &str) -> Result<SchoolInfo> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(SyncError::invalid("school name", "1 to 64 characters"));
    }
    if let Some(id) = store.sync_identity()? {
        return Err(SyncError::AlreadyJoined { school: id.school_name });
    }
    let key = DeviceKey::generate()?;
    let school = school_id_for(&key.public());
    let mut school_key = vec![0u8; 32];
    random_bytes(&mut school_key)?;
    let device = store.device().clone();
    let now = Timestamp::now();
    let cert = DeviceCert::issue(&school, device.id, &key.public(), &device.name, now.millis(), Issuer::Founder, &key);
    let identity = SyncIdentity {
        device: device.id,
        school_id: school.clone(),
        school_name: name.to_owned(),
        founder_key: key.public().to_vec(),
        school_key,
        device_secret: key.secret().to_vec(),
        joined: now,
    };
    store.transact(|tx| {
        tx.set_sync_identity(&identity)?;
        tx.write_local_version(&cert_row(&cert))?;
        tx.ensure_facility(name)?;
        Ok(())
    })?;
    Ok(SchoolInfo { id: school, name: name.to_owned(), joined: now, this_device: device.id })
}

/// The school this PC belongs to, if any.
pub fn school(store: &Store) -> Result<Option<SchoolInfo>> {
    Ok(store.sync_identity()?.map(|id| SchoolInfo {
        id: id.school_id,
        name: id.school_name,
        joined: id.joined,
        this_device: id.device,
    }))
}

/// A device of the school as the device list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    pub id: DeviceId,
    pub name: String,
    pub is_self: bool,
    pub enrolled: Timestamp,
    /// Who vouched for it: `founder`, a device id, or `join file from <device id>`.
    pub enrolled_by: String,
    /// Enrolled with a valid certificate chain.
    pub valid: bool,
    pub revoked: Option<Timestamp>,
    pub revoked_by: Option<DeviceId>,
    /// When its PC restored a backup and went on as another device (that one's id).
    pub retired: Option<(Timestamp, DeviceId)>,
    /// The highest change counter of this device that this PC holds.
    pub held_here: i64,
}

/// Every device in the school's registry as this PC knows it.
pub fn devices(store: &Store) -> Result<Vec<DeviceInfo>> {
    let member = Member::load(store)?;
    let reg = Registry::load(store, &member.school)?;
    let counters = store.device_counters()?;
    let mut out: Vec<DeviceInfo> = reg
        .certs()
        .map(|c| {
            let revocation = reg.revocation(c.device);
            DeviceInfo {
                id: c.device,
                // The name it goes by now (renamed later, it says so in its bundles); else the
                // name it was enrolled under.
                name: if c.device == member.device {
                    member.device_name.clone()
                } else {
                    counters.iter().find(|d| d.device == c.device).map_or_else(|| c.name.clone(), |d| d.name.clone())
                },
                is_self: c.device == member.device,
                enrolled: Timestamp::from_millis(c.issued_ms),
                enrolled_by: match &c.issuer {
                    Issuer::Founder => "founder".into(),
                    Issuer::Device { id } => id.to_string(),
                    Issuer::Invitation { invitation } => format!("join file from {}", invitation.issued_by),
                },
                valid: reg.verify_cert(c).is_ok(),
                revoked: revocation.map(|r| Timestamp::from_millis(r.revoked_ms)),
                revoked_by: revocation.map(|r| r.revoked_by),
                retired: reg
                    .retirement(c.device)
                    .map(|r| (Timestamp::from_millis(r.revoked_ms), r.replaced_by.unwrap_or(r.revoked_by))),
                held_here: counters.iter().find(|d| d.device == c.device).map_or(0, |d| d.counter),
            }
        })
        .collect();
    out.sort_by_key(|d| d.enrolled);
    Ok(out)
}

/// Finds a device by id, id prefix or name.
pub fn find_device(store: &Store, which: &str) -> Result<DeviceInfo> {
    let which = which.trim();
    let all = devices(store)?;
    let found: Vec<&DeviceInfo> = all
        .iter()
        .filter(|d| {
            let id = d.id.to_string();
            // By name, or by the start or end of its id (labels show the end: the starts of
            // ids made within a minute are the same).
            d.name == which || (which.len() >= 4 && (id.starts_with(which) || id.ends_with(which)))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(SyncError::invalid("device", format!("no device of this school is called {which:?}"))),
        _ => Err(SyncError::invalid("device", format!("several devices match {which:?}; give more of the id"))),
    }
}

/// Revokes a device: its bundles and hub requests are refused from now on, on every PC the
/// revocation reaches.
pub fn revoke_device(store: &mut Store, device: DeviceId, reason: &str) -> Result<()> {
    let member = Member::load(store)?;
    if device == member.device {
        return Err(SyncError::invalid("device", "a pc cannot revoke itself; revoke it from another pc"));
    }
    let reg = Registry::load(store, &member.school)?;
    reg.cert(device).ok_or_else(|| SyncError::invalid("device", format!("{device} is not in this school")))?;
    // Its changes this PC holds stay; anything it makes from now on is refused everywhere.
    let held = store.device_counters()?.iter().find(|d| d.device == device).map_or(0, |d| d.counter);
    let r = Revocation::issue(
        &member.school,
        device,
        member.device,
        &member.key,
        Timestamp::now().millis(),
        reason.trim(),
        held,
    );
    store.transact(|tx| tx.write_local_version(&revocation_row(&r)).map(|_| ()))?;
    Ok(())
}
