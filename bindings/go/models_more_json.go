//go:build cgo

package lxdclient

// JSON encoding of the models in models_more.go: the known fields, plus the members kept in Extra.

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkACL) MarshalJSON() ([]byte, error) {
	type plain NetworkACL
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkACL) UnmarshalJSON(data []byte) error {
	type plain NetworkACL
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkACL(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkACLRule) MarshalJSON() ([]byte, error) {
	type plain NetworkACLRule
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkACLRule) UnmarshalJSON(data []byte) error {
	type plain NetworkACLRule
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkACLRule(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkZone) MarshalJSON() ([]byte, error) {
	type plain NetworkZone
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkZone) UnmarshalJSON(data []byte) error {
	type plain NetworkZone
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkZone(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkZoneRecord) MarshalJSON() ([]byte, error) {
	type plain NetworkZoneRecord
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkZoneRecord) UnmarshalJSON(data []byte) error {
	type plain NetworkZoneRecord
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkZoneRecord(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkZoneRecordEntry) MarshalJSON() ([]byte, error) {
	type plain NetworkZoneRecordEntry
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkZoneRecordEntry) UnmarshalJSON(data []byte) error {
	type plain NetworkZoneRecordEntry
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkZoneRecordEntry(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkForward) MarshalJSON() ([]byte, error) {
	type plain NetworkForward
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkForward) UnmarshalJSON(data []byte) error {
	type plain NetworkForward
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkForward(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkForwardPort) MarshalJSON() ([]byte, error) {
	type plain NetworkForwardPort
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkForwardPort) UnmarshalJSON(data []byte) error {
	type plain NetworkForwardPort
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkForwardPort(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkPeer) MarshalJSON() ([]byte, error) {
	type plain NetworkPeer
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkPeer) UnmarshalJSON(data []byte) error {
	type plain NetworkPeer
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkPeer(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkLease) MarshalJSON() ([]byte, error) {
	type plain NetworkLease
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkLease) UnmarshalJSON(data []byte) error {
	type plain NetworkLease
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkLease(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceBackup) MarshalJSON() ([]byte, error) {
	type plain InstanceBackup
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceBackup) UnmarshalJSON(data []byte) error {
	type plain InstanceBackup
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceBackup(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceBackupCreate) MarshalJSON() ([]byte, error) {
	type plain InstanceBackupCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceBackupCreate) UnmarshalJSON(data []byte) error {
	type plain InstanceBackupCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceBackupCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StorageVolumeBackup) MarshalJSON() ([]byte, error) {
	type plain StorageVolumeBackup
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StorageVolumeBackup) UnmarshalJSON(data []byte) error {
	type plain StorageVolumeBackup
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StorageVolumeBackup(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StorageVolumeBackupCreate) MarshalJSON() ([]byte, error) {
	type plain StorageVolumeBackupCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StorageVolumeBackupCreate) UnmarshalJSON(data []byte) error {
	type plain StorageVolumeBackupCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StorageVolumeBackupCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImageMetadata) MarshalJSON() ([]byte, error) {
	type plain ImageMetadata
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImageMetadata) UnmarshalJSON(data []byte) error {
	type plain ImageMetadata
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ImageMetadata(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImageMetadataTemplate) MarshalJSON() ([]byte, error) {
	type plain ImageMetadataTemplate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImageMetadataTemplate) UnmarshalJSON(data []byte) error {
	type plain ImageMetadataTemplate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ImageMetadataTemplate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StorageVolumeSnapshot) MarshalJSON() ([]byte, error) {
	type plain StorageVolumeSnapshot
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StorageVolumeSnapshot) UnmarshalJSON(data []byte) error {
	type plain StorageVolumeSnapshot
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StorageVolumeSnapshot(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StorageVolumeState) MarshalJSON() ([]byte, error) {
	type plain StorageVolumeState
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StorageVolumeState) UnmarshalJSON(data []byte) error {
	type plain StorageVolumeState
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StorageVolumeState(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StorageVolumeUsage) MarshalJSON() ([]byte, error) {
	type plain StorageVolumeUsage
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StorageVolumeUsage) UnmarshalJSON(data []byte) error {
	type plain StorageVolumeUsage
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StorageVolumeUsage(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Cluster) MarshalJSON() ([]byte, error) {
	type plain Cluster
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Cluster) UnmarshalJSON(data []byte) error {
	type plain Cluster
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = Cluster(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ClusterMemberConfigKey) MarshalJSON() ([]byte, error) {
	type plain ClusterMemberConfigKey
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ClusterMemberConfigKey) UnmarshalJSON(data []byte) error {
	type plain ClusterMemberConfigKey
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ClusterMemberConfigKey(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ClusterPut) MarshalJSON() ([]byte, error) {
	type plain ClusterPut
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ClusterPut) UnmarshalJSON(data []byte) error {
	type plain ClusterPut
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ClusterPut(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ClusterGroup) MarshalJSON() ([]byte, error) {
	type plain ClusterGroup
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ClusterGroup) UnmarshalJSON(data []byte) error {
	type plain ClusterGroup
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ClusterGroup(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImagePush) MarshalJSON() ([]byte, error) {
	type plain ImagePush
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImagePush) UnmarshalJSON(data []byte) error {
	type plain ImagePush
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ImagePush(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Remote) MarshalJSON() ([]byte, error) {
	type plain Remote
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Remote) UnmarshalJSON(data []byte) error {
	type plain Remote
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = Remote(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Remotes) MarshalJSON() ([]byte, error) {
	type plain Remotes
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Remotes) UnmarshalJSON(data []byte) error {
	type plain Remotes
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = Remotes(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ExecResult) MarshalJSON() ([]byte, error) {
	type plain ExecResult
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ExecResult) UnmarshalJSON(data []byte) error {
	type plain ExecResult
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ExecResult(p)
	return nil
}
