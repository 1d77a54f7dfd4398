//! The school's device registry and the trust decisions made from it.
//!
//! Certificates and revocations travel as synced rows (and a copy of the exporter's registry
//! rides in every bundle header, so a PC can check a bundle from a device it has not heard of
//! yet). Nothing is trusted for having arrived: a device is trusted when its certificate chains
//! to the founder key the school id is derived from, and it has no valid revocation. Revocation
//! refuses the device's own bundles and hub requests from then on; rows it made earlier that
//! other PCs already relay are kept, so every PC converges on the same data.

use std::collections::BTreeMap;

use shiliu_store::{DeviceId, Store, SyncRow, SyncTable, Value};

use crate::error::{Result, SyncError};
use crate::keys::{
    CERT_DOMAIN, DeviceCert, INVITATION_DOMAIN, Issuer, REVOCATION_DOMAIN, Revocation, school_id_for, unhex, verify,
};

/// Longest certificate chain accepted (founder → device → invitation → device …); also bounds
/// the checks of revocations of revocations.
const MAX_CHAIN: usize = 16;

/// Which changes of one device an import leaves out (see [`Registry::change_cutoff`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cutoff {
    None,
    Beyond(i64),
    StampedAfter(i64),
    All,
}

impl Cutoff {
    pub fn refuses(self, row: &SyncRow) -> bool {
        match self {
            Cutoff::None => false,
            Cutoff::Beyond(last) => row.counter > last,
            Cutoff::StampedAfter(ms) => row.hlc.parse::<shiliu_store::Hlc>().is_ok_and(|h| h.millis > ms),
            Cutoff::All => true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Registry {
    school: String,
    certs: BTreeMap<DeviceId, DeviceCert>,
    revocations: Vec<Revocation>,
}

impl Registry {
    pub fn new(school: &str) -> Registry {
        Registry { school: school.to_owned(), certs: BTreeMap::new(), revocations: Vec::new() }
    }

    /// The registry as this PC's database holds it.
    pub fn load(store: &Store, school: &str) -> Result<Registry> {
        let mut reg = Registry::new(school);
        for row in store.sync_rows(SyncTable::SyncDevices)? {
            if let Some(cert) = cert_of_row(&row) {
                reg.add_cert(cert);
            }
        }
        for row in store.sync_rows(SyncTable::SyncRevocations)? {
            if let Some(r) = revocation_of_row(&row) {
                reg.add_revocation(r);
            }
        }
        Ok(reg)
    }

    pub fn school(&self) -> &str {
        &self.school
    }

    /// Adds a certificate unless one for the device is already here (checked on use).
    pub fn add_cert(&mut self, cert: DeviceCert) {
        if cert.school != self.school {
            return;
        }
        if let Issuer::Invitation { invitation } = &cert.issuer {
            for c in &invitation.chain {
                if c.school == self.school && c.device != cert.device {
                    self.certs.entry(c.device).or_insert_with(|| c.clone());
                }
            }
        }
        self.certs.entry(cert.device).or_insert(cert);
    }

    pub fn add_revocation(&mut self, r: Revocation) {
        if r.school == self.school && !self.revocations.contains(&r) {
            self.revocations.push(r);
        }
    }

    pub fn cert(&self, device: DeviceId) -> Option<&DeviceCert> {
        self.certs.get(&device)
    }

    pub fn certs(&self) -> impl Iterator<Item = &DeviceCert> {
        self.certs.values()
    }

    pub fn revocations(&self) -> &[Revocation] {
        &self.revocations
    }

    /// Checks that `cert` chains to the school's founder.
    pub fn verify_cert(&self, cert: &DeviceCert) -> Result<()> {
        self.verify_chain(cert, 0, &[])
    }

    fn verify_chain(&self, cert: &DeviceCert, depth: usize, extra: &[DeviceCert]) -> Result<()> {
        if depth > 2 * MAX_CHAIN {
            return Err(SyncError::cert("the certificate chain is too long"));
        }
        if cert.school != self.school {
            return Err(SyncError::cert(format!("device {} belongs to another school", cert.device)));
        }
        match &cert.issuer {
            Issuer::Founder => {
                let key: [u8; 32] = unhex(&cert.key)
                    .and_then(|k| k.try_into().ok())
                    .ok_or_else(|| SyncError::cert("a founder key that is not 32 bytes"))?;
                if school_id_for(&key) != self.school {
                    return Err(SyncError::cert(format!("device {} claims to have founded the school", cert.device)));
                }
                verify(&cert.key, CERT_DOMAIN, &cert.statement(), &cert.signature)
            }
            Issuer::Device { id } => {
                let issuer = self.issuer_cert(*id, cert.device, extra)?;
                self.verify_chain(issuer, depth + 1, extra)?;
                self.not_revoked_at(issuer, cert.issued_ms, depth)?;
                verify(&issuer.key, CERT_DOMAIN, &cert.statement(), &cert.signature)
            }
            Issuer::Invitation { invitation } => {
                if invitation.school != self.school {
                    return Err(SyncError::cert("an invitation of another school"));
                }
                let extra: Vec<DeviceCert> = extra.iter().chain(&invitation.chain).cloned().collect();
                let issuer = self.issuer_cert(invitation.issued_by, cert.device, &extra)?;
                self.verify_chain(issuer, depth + 1, &extra)?;
                self.not_revoked_at(issuer, cert.issued_ms, depth)?;
                verify(&issuer.key, INVITATION_DOMAIN, &invitation.statement(), &invitation.signature)?;
                if cert.issued_ms > invitation.expires_ms {
                    return Err(SyncError::cert(format!("device {} used an expired invitation", cert.device)));
                }
                verify(&invitation.key, CERT_DOMAIN, &cert.statement(), &cert.signature)
            }
        }
    }

    fn issuer_cert<'a>(
        &'a self,
        issuer: DeviceId,
        for_device: DeviceId,
        extra: &'a [DeviceCert],
    ) -> Result<&'a DeviceCert> {
        if issuer == for_device {
            return Err(SyncError::cert(format!("device {for_device} vouches for itself")));
        }
        self.certs
            .get(&issuer)
            .or_else(|| extra.iter().find(|c| c.device == issuer))
            .ok_or_else(|| SyncError::cert(format!("device {issuer} is not known")))
    }

    /// The valid revocation of `device`, if any (the earliest, when there are several).
    pub fn revocation(&self, device: DeviceId) -> Option<&Revocation> {
        self.revocation_at_depth(device, 0)
    }

    fn revocation_at_depth(&self, device: DeviceId, depth: usize) -> Option<&Revocation> {
        self.revocations
            .iter()
            .filter(|r| {
                r.device == device && r.replaced_by.is_none() && self.verify_revocation_at(r, depth + 1).is_ok()
            })
            .min_by_key(|r| r.revoked_ms)
    }

    /// The valid retirement of `device` (its PC restored a backup and took a new identity).
    pub fn retirement(&self, device: DeviceId) -> Option<&Revocation> {
        self.revocations
            .iter()
            .find(|r| r.device == device && r.replaced_by.is_some() && self.verify_revocation(r).is_ok())
    }

    /// A revoked device vouches for nothing after its revocation: no new PCs (directly or by
    /// its join files) and no revocations of others. A stolen PC cannot enrol accomplices or
    /// lock out the honest PCs.
    fn not_revoked_at(&self, signer: &DeviceCert, at_ms: i64, depth: usize) -> Result<()> {
        match self.revocation_at_depth(signer.device, depth + 1) {
            Some(r) if r.revoked_ms <= at_ms => {
                Err(SyncError::cert(format!("{} ({}) signed this after it was revoked", signer.name, signer.device)))
            }
            _ => Ok(()),
        }
    }

    /// Checks that a revocation was signed by an enrolled device that was not itself revoked
    /// by then.
    pub fn verify_revocation(&self, r: &Revocation) -> Result<()> {
        self.verify_revocation_at(r, 0)
    }

    fn verify_revocation_at(&self, r: &Revocation, depth: usize) -> Result<()> {
        if depth > 2 * MAX_CHAIN {
            return Err(SyncError::cert("revocations of revocations go too deep"));
        }
        if r.replaced_by.is_some_and(|new| new != r.revoked_by) {
            return Err(SyncError::cert("a retirement signed by another device than the one replacing it"));
        }
        let by = self.certs.get(&r.revoked_by).ok_or_else(|| SyncError::cert("a revocation by an unknown device"))?;
        self.verify_chain(by, depth + 1, &[])?;
        self.not_revoked_at(by, r.revoked_ms, depth)?;
        verify(&by.key, REVOCATION_DOMAIN, &r.statement(), &r.signature)
    }

    /// Which changes of `device` to leave out: none; those beyond a counter or stamped after a
    /// time (a revoked device: beyond the last change of it the revoking PC held, or, for
    /// revocations without that count, after the revocation's time); or all of them (a device
    /// a revoked one enrolled after its revocation). Decided once per device, not per row:
    /// each decision verifies signatures.
    pub fn change_cutoff(&self, device: DeviceId) -> Cutoff {
        match self.revocation(device) {
            Some(r) => r.last_counter.map_or(Cutoff::StampedAfter(r.revoked_ms), Cutoff::Beyond),
            None if self.enrolled_by_a_revoked_device(device) => Cutoff::All,
            None => Cutoff::None,
        }
    }

    /// Whether some changes of `device` may be left out (see [`Registry::change_cutoff`]).
    pub fn refuses_changes_of_device(&self, device: DeviceId) -> bool {
        self.change_cutoff(device) != Cutoff::None
    }

    /// A device whose certificate is genuine but was signed by a device already revoked.
    fn enrolled_by_a_revoked_device(&self, device: DeviceId) -> bool {
        self.certs.get(&device).is_some_and(|c| {
            // (Without revocations there is nothing to check: no signatures verified.)
            !self.revocations.is_empty()
                && self.verify_cert(c).is_err()
                && self.ignoring_revocations().verify_cert(c).is_ok()
        })
    }

    /// This registry with no revocations: tells entries that are forged from entries that are
    /// genuine but signed by a device after its revocation.
    pub fn ignoring_revocations(&self) -> Registry {
        Registry { school: self.school.clone(), certs: self.certs.clone(), revocations: Vec::new() }
    }

    /// The certificate of a device allowed to send bundles: enrolled and not revoked.
    pub fn trusted(&self, device: DeviceId) -> Result<&DeviceCert> {
        let cert = self.certs.get(&device).ok_or_else(|| SyncError::UnknownDevice { device: device.to_string() })?;
        self.verify_cert(cert).map_err(|_| SyncError::UnknownDevice { device: device.to_string() })?;
        if self.revocation(device).is_some() {
            return Err(SyncError::RevokedDevice { device: device.to_string(), name: cert.name.clone() });
        }
        Ok(cert)
    }

    /// The enrolled devices that are neither revoked nor retired: the PCs exports cater for.
    pub fn active_devices(&self) -> Vec<DeviceId> {
        self.certs.keys().copied().filter(|d| self.trusted(*d).is_ok() && self.retirement(*d).is_none()).collect()
    }
}

fn text(v: Option<&Value>) -> Option<&str> {
    match v {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    }
}

/// The certificate a registry row carries.
pub(crate) fn cert_of_row(row: &SyncRow) -> Option<DeviceCert> {
    (row.table == SyncTable::SyncDevices).then_some(())?;
    serde_json::from_str(text(row.values.get(1))?).ok()
}

/// The revocation a registry row carries.
pub(crate) fn revocation_of_row(row: &SyncRow) -> Option<Revocation> {
    (row.table == SyncTable::SyncRevocations).then_some(())?;
    serde_json::from_str(text(row.values.first())?).ok()
}

/// The registry row for a certificate.
pub(crate) fn cert_row(cert: &DeviceCert) -> SyncRow {
    SyncRow {
        table: SyncTable::SyncDevices,
        key: vec![cert.device.to_string()],
        origin: cert.device,
        counter: 1,
        hlc: String::new(),
        prev_hlc: String::new(),
        deleted: false,
        values: vec![Value::Text(cert.school.clone()), Value::Text(cert.to_json())],
    }
}

/// The registry row for a revocation.
pub(crate) fn revocation_row(r: &Revocation) -> SyncRow {
    SyncRow {
        table: SyncTable::SyncRevocations,
        key: vec![r.device.to_string(), r.revoked_by.to_string()],
        origin: r.revoked_by,
        counter: 1,
        hlc: String::new(),
        prev_hlc: String::new(),
        deleted: false,
        values: vec![Value::Text(r.to_json())],
    }
}
