//go:build cgo

package lxdclient

// JSON encoding of the models: the known fields, plus the members kept in Extra (see extra.go).
// Every model has the same two methods; the lifecycle objects keep their private state (the
// client, the ETag, what the server sent) across UnmarshalJSON.

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Server) MarshalJSON() ([]byte, error) {
	type plain Server
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Server) UnmarshalJSON(data []byte) error {
	type plain Server
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = Server(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Instance) MarshalJSON() ([]byte, error) {
	type plain Instance
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Instance) UnmarshalJSON(data []byte) error {
	type plain Instance
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = Instance(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Snapshot) MarshalJSON() ([]byte, error) {
	type plain Snapshot
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Snapshot) UnmarshalJSON(data []byte) error {
	type plain Snapshot
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = Snapshot(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Image) MarshalJSON() ([]byte, error) {
	type plain Image
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Image) UnmarshalJSON(data []byte) error {
	type plain Image
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = Image(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImageAlias) MarshalJSON() ([]byte, error) {
	type plain ImageAlias
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImageAlias) UnmarshalJSON(data []byte) error {
	type plain ImageAlias
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = ImageAlias(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Profile) MarshalJSON() ([]byte, error) {
	type plain Profile
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Profile) UnmarshalJSON(data []byte) error {
	type plain Profile
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = Profile(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Network) MarshalJSON() ([]byte, error) {
	type plain Network
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Network) UnmarshalJSON(data []byte) error {
	type plain Network
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = Network(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StoragePool) MarshalJSON() ([]byte, error) {
	type plain StoragePool
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StoragePool) UnmarshalJSON(data []byte) error {
	type plain StoragePool
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = StoragePool(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Certificate) MarshalJSON() ([]byte, error) {
	type plain Certificate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Certificate) UnmarshalJSON(data []byte) error {
	type plain Certificate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	meta := v.meta
	*v = Certificate(p)
	v.meta = meta
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ServerEnvironment) MarshalJSON() ([]byte, error) {
	type plain ServerEnvironment
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ServerEnvironment) UnmarshalJSON(data []byte) error {
	type plain ServerEnvironment
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ServerEnvironment(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ServerStorageDriverInfo) MarshalJSON() ([]byte, error) {
	type plain ServerStorageDriverInfo
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ServerStorageDriverInfo) UnmarshalJSON(data []byte) error {
	type plain ServerStorageDriverInfo
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ServerStorageDriverInfo(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceCreate) MarshalJSON() ([]byte, error) {
	type plain InstanceCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceCreate) UnmarshalJSON(data []byte) error {
	type plain InstanceCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceSource) MarshalJSON() ([]byte, error) {
	type plain InstanceSource
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceSource) UnmarshalJSON(data []byte) error {
	type plain InstanceSource
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceSource(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceState) MarshalJSON() ([]byte, error) {
	type plain InstanceState
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceState) UnmarshalJSON(data []byte) error {
	type plain InstanceState
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceState(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceStateDisk) MarshalJSON() ([]byte, error) {
	type plain InstanceStateDisk
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceStateDisk) UnmarshalJSON(data []byte) error {
	type plain InstanceStateDisk
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceStateDisk(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceStateCPU) MarshalJSON() ([]byte, error) {
	type plain InstanceStateCPU
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceStateCPU) UnmarshalJSON(data []byte) error {
	type plain InstanceStateCPU
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceStateCPU(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceStateMemory) MarshalJSON() ([]byte, error) {
	type plain InstanceStateMemory
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceStateMemory) UnmarshalJSON(data []byte) error {
	type plain InstanceStateMemory
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceStateMemory(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceStateNetwork) MarshalJSON() ([]byte, error) {
	type plain InstanceStateNetwork
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceStateNetwork) UnmarshalJSON(data []byte) error {
	type plain InstanceStateNetwork
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceStateNetwork(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceStateNetworkAddress) MarshalJSON() ([]byte, error) {
	type plain InstanceStateNetworkAddress
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceStateNetworkAddress) UnmarshalJSON(data []byte) error {
	type plain InstanceStateNetworkAddress
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceStateNetworkAddress(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v InstanceStateNetworkCounters) MarshalJSON() ([]byte, error) {
	type plain InstanceStateNetworkCounters
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *InstanceStateNetworkCounters) UnmarshalJSON(data []byte) error {
	type plain InstanceStateNetworkCounters
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = InstanceStateNetworkCounters(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImageAliasRef) MarshalJSON() ([]byte, error) {
	type plain ImageAliasRef
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImageAliasRef) UnmarshalJSON(data []byte) error {
	type plain ImageAliasRef
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ImageAliasRef(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImageSource) MarshalJSON() ([]byte, error) {
	type plain ImageSource
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImageSource) UnmarshalJSON(data []byte) error {
	type plain ImageSource
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ImageSource(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImageCreate) MarshalJSON() ([]byte, error) {
	type plain ImageCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImageCreate) UnmarshalJSON(data []byte) error {
	type plain ImageCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ImageCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ImageCreateSource) MarshalJSON() ([]byte, error) {
	type plain ImageCreateSource
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ImageCreateSource) UnmarshalJSON(data []byte) error {
	type plain ImageCreateSource
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ImageCreateSource(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v ProfileCreate) MarshalJSON() ([]byte, error) {
	type plain ProfileCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *ProfileCreate) UnmarshalJSON(data []byte) error {
	type plain ProfileCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = ProfileCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkCreate) MarshalJSON() ([]byte, error) {
	type plain NetworkCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkCreate) UnmarshalJSON(data []byte) error {
	type plain NetworkCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkState) MarshalJSON() ([]byte, error) {
	type plain NetworkState
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkState) UnmarshalJSON(data []byte) error {
	type plain NetworkState
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkState(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkStateAddress) MarshalJSON() ([]byte, error) {
	type plain NetworkStateAddress
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkStateAddress) UnmarshalJSON(data []byte) error {
	type plain NetworkStateAddress
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkStateAddress(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkStateCounters) MarshalJSON() ([]byte, error) {
	type plain NetworkStateCounters
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkStateCounters) UnmarshalJSON(data []byte) error {
	type plain NetworkStateCounters
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkStateCounters(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkStateBond) MarshalJSON() ([]byte, error) {
	type plain NetworkStateBond
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkStateBond) UnmarshalJSON(data []byte) error {
	type plain NetworkStateBond
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkStateBond(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkStateBridge) MarshalJSON() ([]byte, error) {
	type plain NetworkStateBridge
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkStateBridge) UnmarshalJSON(data []byte) error {
	type plain NetworkStateBridge
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkStateBridge(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkStateVLAN) MarshalJSON() ([]byte, error) {
	type plain NetworkStateVLAN
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkStateVLAN) UnmarshalJSON(data []byte) error {
	type plain NetworkStateVLAN
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkStateVLAN(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v NetworkStateOVN) MarshalJSON() ([]byte, error) {
	type plain NetworkStateOVN
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *NetworkStateOVN) UnmarshalJSON(data []byte) error {
	type plain NetworkStateOVN
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = NetworkStateOVN(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StoragePoolCreate) MarshalJSON() ([]byte, error) {
	type plain StoragePoolCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StoragePoolCreate) UnmarshalJSON(data []byte) error {
	type plain StoragePoolCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StoragePoolCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StoragePoolResources) MarshalJSON() ([]byte, error) {
	type plain StoragePoolResources
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StoragePoolResources) UnmarshalJSON(data []byte) error {
	type plain StoragePoolResources
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StoragePoolResources(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StoragePoolSpace) MarshalJSON() ([]byte, error) {
	type plain StoragePoolSpace
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StoragePoolSpace) UnmarshalJSON(data []byte) error {
	type plain StoragePoolSpace
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StoragePoolSpace(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v StoragePoolInodes) MarshalJSON() ([]byte, error) {
	type plain StoragePoolInodes
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *StoragePoolInodes) UnmarshalJSON(data []byte) error {
	type plain StoragePoolInodes
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = StoragePoolInodes(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v CertificateCreate) MarshalJSON() ([]byte, error) {
	type plain CertificateCreate
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *CertificateCreate) UnmarshalJSON(data []byte) error {
	type plain CertificateCreate
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = CertificateCreate(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v OperationInfo) MarshalJSON() ([]byte, error) {
	type plain OperationInfo
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *OperationInfo) UnmarshalJSON(data []byte) error {
	type plain OperationInfo
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = OperationInfo(p)
	return nil
}

// MarshalJSON encodes the fields and the members kept in Extra.
func (v Event) MarshalJSON() ([]byte, error) {
	type plain Event
	return marshalWithExtra(plain(v), v.Extra)
}

// UnmarshalJSON decodes the fields and keeps every other member in Extra.
func (v *Event) UnmarshalJSON(data []byte) error {
	type plain Event
	var p plain
	if err := unmarshalWithExtra(data, &p, &p.Extra); err != nil {
		return err
	}
	*v = Event(p)
	return nil
}
