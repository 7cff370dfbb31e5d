//go:build cgo

package lxdclient

import (
	"encoding/json"
	"fmt"
	"time"
)

// The models: Go structs with LXD's JSON names (LXD 5.0.2's schema; each field means what the
// member of the same name means in LXD's REST API definitions). Each keeps the members it has no
// field for in Extra and writes them back when marshalled, so a newer server's data survives a
// read-modify-write.

// StatusCode is LXD's numeric status of operations and instances.
type StatusCode int

// LXD's status codes.
const (
	StatusOperationCreated StatusCode = 100
	StatusStarted          StatusCode = 101
	StatusStopped          StatusCode = 102
	StatusRunning          StatusCode = 103
	StatusCancelling       StatusCode = 104
	StatusPending          StatusCode = 105
	StatusStarting         StatusCode = 106
	StatusStopping         StatusCode = 107
	StatusAborting         StatusCode = 108
	StatusFreezing         StatusCode = 109
	StatusFrozen           StatusCode = 110
	StatusThawed           StatusCode = 111
	StatusError            StatusCode = 112
	StatusReady            StatusCode = 113
	StatusSuccess          StatusCode = 200
	StatusFailure          StatusCode = 400
	StatusCancelled        StatusCode = 401
)

var statusNames = map[StatusCode]string{
	StatusOperationCreated: "Operation created", StatusStarted: "Started", StatusStopped: "Stopped",
	StatusRunning: "Running", StatusCancelling: "Cancelling", StatusPending: "Pending",
	StatusStarting: "Starting", StatusStopping: "Stopping", StatusAborting: "Aborting",
	StatusFreezing: "Freezing", StatusFrozen: "Frozen", StatusThawed: "Thawed", StatusError: "Error",
	StatusReady: "Ready", StatusSuccess: "Success", StatusFailure: "Failure", StatusCancelled: "Cancelled",
}

// String is LXD's name for the status ("Running"), or the number.
func (s StatusCode) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("%d", int(s))
}

// IsFinal reports whether an operation with this status has ended (success, failure, cancelled).
func (s StatusCode) IsFinal() bool { return s >= 200 }

// Extra holds the JSON members a model has no field for, as received; they are written back
// when the model is marshalled (and so sent back by Save).
type Extra = map[string]json.RawMessage

// ---------------------------------------------------------------------------------------------
// Server

// Server is the server's information and configuration (GET /1.0).
type Server struct {
	// Config is the server configuration (core.https_address, images.*, ...). A member LXD sends
	// as something else than a string (core.trust_password: true, "a password is set") is not
	// here: it is kept aside and sent back as it came, unless Config sets that key.
	Config map[string]string `json:"config"`
	// APIExtensions lists the API extensions the server supports.
	APIExtensions []string `json:"api_extensions"`
	// APIStatus is "stable" or "development".
	APIStatus string `json:"api_status"`
	// APIVersion is the API version ("1.0").
	APIVersion string `json:"api_version"`
	// Auth is "trusted" or "untrusted" (this client).
	Auth string `json:"auth"`
	// AuthMethods lists the supported authentication methods ("tls", ...).
	AuthMethods []string `json:"auth_methods"`
	// Public is true for the view an untrusted client gets.
	Public bool `json:"public"`
	// Environment describes the host and the daemon.
	Environment ServerEnvironment `json:"environment"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta        objectMeta
	configOther map[string]json.RawMessage // the members of config that are not strings
}

// ServerEnvironment describes the host and the daemon (part of GET /1.0).
type ServerEnvironment struct {
	Addresses               []string                  `json:"addresses"`
	Architectures           []string                  `json:"architectures"`
	Certificate             string                    `json:"certificate"`
	CertificateFingerprint  string                    `json:"certificate_fingerprint"`
	Driver                  string                    `json:"driver"`
	DriverVersion           string                    `json:"driver_version"`
	Firewall                string                    `json:"firewall"`
	Kernel                  string                    `json:"kernel"`
	KernelArchitecture      string                    `json:"kernel_architecture"`
	KernelFeatures          map[string]string         `json:"kernel_features"`
	KernelVersion           string                    `json:"kernel_version"`
	LXCFeatures             map[string]string         `json:"lxc_features"`
	OSName                  string                    `json:"os_name"`
	OSVersion               string                    `json:"os_version"`
	Project                 string                    `json:"project"`
	Server                  string                    `json:"server"`
	ServerClustered         bool                      `json:"server_clustered"`
	ServerEventMode         string                    `json:"server_event_mode"`
	ServerName              string                    `json:"server_name"`
	ServerPID               int64                     `json:"server_pid"`
	ServerVersion           string                    `json:"server_version"`
	Storage                 string                    `json:"storage"`
	StorageSupportedDrivers []ServerStorageDriverInfo `json:"storage_supported_drivers"`
	StorageVersion          string                    `json:"storage_version"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// ServerStorageDriverInfo describes one storage driver the server supports.
type ServerStorageDriverInfo struct {
	Name    string `json:"Name"`
	Remote  bool   `json:"Remote"`
	Version string `json:"Version"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// ---------------------------------------------------------------------------------------------
// Instances

// Instance is a container or virtual machine (GET /1.0/instances/<name>). Change its fields and
// Save it; see the package documentation for the object lifecycle.
type Instance struct {
	// Name is the key; change it with Rename, not Save.
	Name         string `json:"name"`
	Description  string `json:"description"`
	Architecture string `json:"architecture"`
	// Config is the instance's own configuration (without its profiles').
	Config map[string]string `json:"config"`
	// Devices are the instance's own devices: name → settings.
	Devices   map[string]map[string]string `json:"devices"`
	Ephemeral bool                         `json:"ephemeral"`
	// Profiles are applied in this order.
	Profiles []string `json:"profiles"`
	// Stateful is true when the instance's last snapshot holds runtime state.
	Stateful   bool       `json:"stateful"`
	Status     string     `json:"status"`
	StatusCode StatusCode `json:"status_code"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt time.Time  `json:"last_used_at"`
	// Location is the cluster member it is on.
	Location string `json:"location"`
	// Type is "container" or "virtual-machine".
	Type    string `json:"type"`
	Project string `json:"project"`
	// ExpandedConfig is the configuration with the profiles applied (read-only).
	ExpandedConfig map[string]string `json:"expanded_config"`
	// ExpandedDevices are the devices with the profiles applied (read-only).
	ExpandedDevices map[string]map[string]string `json:"expanded_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// InstanceCreate is the request to create an instance (POST /1.0/instances).
type InstanceCreate struct {
	Name string `json:"name"`
	// Type is "container" (the default) or "virtual-machine".
	Type string `json:"type,omitempty"`
	// Source says where the root filesystem comes from (an image, a copy, nothing).
	Source       InstanceSource               `json:"source"`
	Description  string                       `json:"description,omitempty"`
	Architecture string                       `json:"architecture,omitempty"`
	Config       map[string]string            `json:"config,omitempty"`
	Devices      map[string]map[string]string `json:"devices,omitempty"`
	Ephemeral    bool                         `json:"ephemeral,omitempty"`
	// Profiles: nil means the default profile; an empty non-nil list means none.
	Profiles     []string `json:"profiles"`
	InstanceType string   `json:"instance_type,omitempty"`
	Stateful     bool     `json:"stateful,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceSource is the source of a new instance: {Type: "image", Alias: "busybox"},
// {Type: "image", Fingerprint: ...}, {Type: "copy", Source: "other"}, {Type: "none"}, ...
type InstanceSource struct {
	Type              string            `json:"type"`
	Alias             string            `json:"alias,omitempty"`
	Fingerprint       string            `json:"fingerprint,omitempty"`
	Properties        map[string]string `json:"properties,omitempty"`
	Server            string            `json:"server,omitempty"`
	Protocol          string            `json:"protocol,omitempty"`
	Certificate       string            `json:"certificate,omitempty"`
	Secret            string            `json:"secret,omitempty"`
	Secrets           map[string]string `json:"secrets,omitempty"`
	Mode              string            `json:"mode,omitempty"`
	Operation         string            `json:"operation,omitempty"`
	Project           string            `json:"project,omitempty"`
	Source            string            `json:"source,omitempty"`
	BaseImage         string            `json:"base-image,omitempty"`
	Live              bool              `json:"live,omitempty"`
	InstanceOnly      bool              `json:"instance_only,omitempty"`
	ContainerOnly     bool              `json:"container_only,omitempty"`
	Refresh           bool              `json:"refresh,omitempty"`
	AllowInconsistent bool              `json:"allow_inconsistent,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStatePut is a state change (PUT /1.0/instances/<name>/state).
type InstanceStatePut struct {
	// Action is "start", "stop", "restart", "freeze" or "unfreeze".
	Action string `json:"action"`
	// Timeout is the seconds a clean stop may take (-1: no limit).
	Timeout int `json:"timeout"`
	// Force kills the instance instead of asking it to stop.
	Force bool `json:"force"`
	// Stateful saves (stop) or restores (start) the runtime state.
	Stateful bool `json:"stateful"`
}

// InstanceState is an instance's runtime state (GET /1.0/instances/<name>/state).
type InstanceState struct {
	Status     string     `json:"status"`
	StatusCode StatusCode `json:"status_code"`
	// Disk is the usage per disk device.
	Disk map[string]InstanceStateDisk `json:"disk"`
	// Memory is the memory usage.
	Memory InstanceStateMemory `json:"memory"`
	// Network holds the interfaces, by name.
	Network map[string]InstanceStateNetwork `json:"network"`
	// PID is the instance's init process on the host (0 when stopped).
	PID int64 `json:"pid"`
	// Processes is the number of processes (-1 when unknown).
	Processes int64            `json:"processes"`
	CPU       InstanceStateCPU `json:"cpu"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateDisk is one disk's usage.
type InstanceStateDisk struct {
	Usage int64 `json:"usage"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateCPU is the CPU usage in nanoseconds.
type InstanceStateCPU struct {
	Usage int64 `json:"usage"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateMemory is the memory usage in bytes.
type InstanceStateMemory struct {
	Usage         int64 `json:"usage"`
	UsagePeak     int64 `json:"usage_peak"`
	SwapUsage     int64 `json:"swap_usage"`
	SwapUsagePeak int64 `json:"swap_usage_peak"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateNetwork is one network interface of an instance.
type InstanceStateNetwork struct {
	Addresses []InstanceStateNetworkAddress `json:"addresses"`
	Counters  InstanceStateNetworkCounters  `json:"counters"`
	HostName  string                        `json:"host_name"`
	Hwaddr    string                        `json:"hwaddr"`
	MTU       int64                         `json:"mtu"`
	State     string                        `json:"state"`
	Type      string                        `json:"type"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateNetworkAddress is one address of an interface.
type InstanceStateNetworkAddress struct {
	Family  string `json:"family"`
	Address string `json:"address"`
	Netmask string `json:"netmask"`
	Scope   string `json:"scope"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// InstanceStateNetworkCounters are an interface's traffic counters.
type InstanceStateNetworkCounters struct {
	BytesReceived          int64 `json:"bytes_received"`
	BytesSent              int64 `json:"bytes_sent"`
	PacketsReceived        int64 `json:"packets_received"`
	PacketsSent            int64 `json:"packets_sent"`
	ErrorsReceived         int64 `json:"errors_received"`
	ErrorsSent             int64 `json:"errors_sent"`
	PacketsDroppedOutbound int64 `json:"packets_dropped_outbound"`
	PacketsDroppedInbound  int64 `json:"packets_dropped_inbound"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// Snapshot is an instance snapshot (GET /1.0/instances/<instance>/snapshots/<name>).
type Snapshot struct {
	// Name is the snapshot's own name (without the instance's); change it with Rename.
	Name         string                       `json:"name"`
	Architecture string                       `json:"architecture"`
	Config       map[string]string            `json:"config"`
	Devices      map[string]map[string]string `json:"devices"`
	Ephemeral    bool                         `json:"ephemeral"`
	Profiles     []string                     `json:"profiles"`
	// Stateful is true when the snapshot holds runtime state.
	Stateful   bool      `json:"stateful"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	// ExpiresAt is when LXD deletes the snapshot (zero: never). The only field Save changes.
	ExpiresAt time.Time `json:"expires_at"`
	// Size in bytes (-1 when unknown).
	Size            int64                        `json:"size"`
	ExpandedConfig  map[string]string            `json:"expanded_config"`
	ExpandedDevices map[string]map[string]string `json:"expanded_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// ---------------------------------------------------------------------------------------------
// Images

// Image is an image (GET /1.0/images/<fingerprint>).
type Image struct {
	// Fingerprint is the SHA-256 of the image: its key.
	Fingerprint  string          `json:"fingerprint"`
	Aliases      []ImageAliasRef `json:"aliases"`
	Architecture string          `json:"architecture"`
	AutoUpdate   bool            `json:"auto_update"`
	// Cached is true for images downloaded on demand (removed when unused).
	Cached     bool              `json:"cached"`
	CreatedAt  time.Time         `json:"created_at"`
	ExpiresAt  time.Time         `json:"expires_at"`
	Filename   string            `json:"filename"`
	LastUsedAt time.Time         `json:"last_used_at"`
	Properties map[string]string `json:"properties"`
	Public     bool              `json:"public"`
	// Size in bytes.
	Size       int64     `json:"size"`
	UploadedAt time.Time `json:"uploaded_at"`
	// UpdateSource is where the image updates from (nil when it does not).
	UpdateSource *ImageSource `json:"update_source"`
	// Type is "container" or "virtual-machine".
	Type string `json:"type"`
	// Profiles are applied to instances created from the image.
	Profiles []string `json:"profiles"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// ImageAliasRef is an alias as listed inside an image.
type ImageAliasRef struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// ImageSource is where an image updates from.
type ImageSource struct {
	Alias       string `json:"alias"`
	Certificate string `json:"certificate"`
	ImageType   string `json:"image_type"`
	Protocol    string `json:"protocol"`
	Server      string `json:"server"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// ImageCreate is the request to create an image (POST /1.0/images) from a source that LXD
// fetches itself: an instance or snapshot to publish, another server, a URL.
type ImageCreate struct {
	Source     *ImageCreateSource `json:"source,omitempty"`
	Public     bool               `json:"public,omitempty"`
	AutoUpdate bool               `json:"auto_update,omitempty"`
	// Aliases to create for the new image.
	Aliases    []ImageAliasRef   `json:"aliases,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	Filename   string            `json:"filename,omitempty"`
	Profiles   []string          `json:"profiles,omitempty"`
	// CompressionAlgorithm for publishing ("gzip", "none", ...).
	CompressionAlgorithm string     `json:"compression_algorithm,omitempty"`
	ExpiresAt            *time.Time `json:"expires_at,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// ImageCreateSource is the source of a new image: {Type: "instance", Name: "c1"} publishes an
// instance, {Type: "snapshot", Name: "c1/snap0"} a snapshot, {Type: "image", Server: ...,
// Alias: ...} copies from another server.
type ImageCreateSource struct {
	Type        string `json:"type"`
	Name        string `json:"name,omitempty"`
	Alias       string `json:"alias,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Server      string `json:"server,omitempty"`
	Protocol    string `json:"protocol,omitempty"`
	Certificate string `json:"certificate,omitempty"`
	Secret      string `json:"secret,omitempty"`
	Mode        string `json:"mode,omitempty"`
	URL         string `json:"url,omitempty"`
	ImageType   string `json:"image_type,omitempty"`
	Project     string `json:"project,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// ImageAlias is an image alias (GET /1.0/images/aliases/<name>).
type ImageAlias struct {
	// Name is the key; change it with Rename.
	Name        string `json:"name"`
	Description string `json:"description"`
	// Target is the fingerprint of the image the alias points to.
	Target string `json:"target"`
	// Type is "container" or "virtual-machine".
	Type string `json:"type"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// ---------------------------------------------------------------------------------------------
// Profiles, networks, storage pools, certificates

// Profile is a profile (GET /1.0/profiles/<name>).
type Profile struct {
	// Name is the key; change it with Rename.
	Name        string                       `json:"name"`
	Description string                       `json:"description"`
	Config      map[string]string            `json:"config"`
	Devices     map[string]map[string]string `json:"devices"`
	// UsedBy lists the URLs of the instances using the profile.
	UsedBy []string `json:"used_by"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// ProfileCreate is the request to create a profile (POST /1.0/profiles).
type ProfileCreate struct {
	Name        string                       `json:"name"`
	Description string                       `json:"description,omitempty"`
	Config      map[string]string            `json:"config,omitempty"`
	Devices     map[string]map[string]string `json:"devices,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// Network is a network (GET /1.0/networks/<name>): a managed one LXD created, or a host
// interface it lists.
type Network struct {
	// Name is the key (an interface name: at most 15 characters); change it with Rename.
	Name        string `json:"name"`
	Description string `json:"description"`
	// Type is "bridge", "macvlan", "physical", "loopback", ...
	Type string `json:"type"`
	// Managed is true for networks LXD created.
	Managed bool              `json:"managed"`
	Status  string            `json:"status"`
	Config  map[string]string `json:"config"`
	UsedBy  []string          `json:"used_by"`
	// Locations are the cluster members it is defined on.
	Locations []string `json:"locations"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// NetworkCreate is the request to create a network (POST /1.0/networks).
type NetworkCreate struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Type is "bridge" (the default), "macvlan", "sriov", "ovn" or "physical".
	Type   string            `json:"type,omitempty"`
	Config map[string]string `json:"config,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkState is a network's runtime state (GET /1.0/networks/<name>/state).
type NetworkState struct {
	Addresses []NetworkStateAddress `json:"addresses"`
	Counters  NetworkStateCounters  `json:"counters"`
	Hwaddr    string                `json:"hwaddr"`
	MTU       int64                 `json:"mtu"`
	// State is "up" or "down".
	State string `json:"state"`
	Type  string `json:"type"`
	// Bond, Bridge, VLAN and OVN are set for interfaces of that kind.
	Bond   *NetworkStateBond   `json:"bond"`
	Bridge *NetworkStateBridge `json:"bridge"`
	VLAN   *NetworkStateVLAN   `json:"vlan"`
	OVN    *NetworkStateOVN    `json:"ovn"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateAddress is one address of a network interface.
type NetworkStateAddress struct {
	Family  string `json:"family"`
	Address string `json:"address"`
	Netmask string `json:"netmask"`
	Scope   string `json:"scope"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateCounters are a network interface's traffic counters.
type NetworkStateCounters struct {
	BytesReceived   int64 `json:"bytes_received"`
	BytesSent       int64 `json:"bytes_sent"`
	PacketsReceived int64 `json:"packets_received"`
	PacketsSent     int64 `json:"packets_sent"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateBond is the state of a bond interface.
type NetworkStateBond struct {
	Mode           string   `json:"mode"`
	TransmitPolicy string   `json:"transmit_policy"`
	UpDelay        uint64   `json:"up_delay"`
	DownDelay      uint64   `json:"down_delay"`
	MIIFrequency   uint64   `json:"mii_frequency"`
	MIIState       string   `json:"mii_state"`
	LowerDevices   []string `json:"lower_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateBridge is the state of a bridge.
type NetworkStateBridge struct {
	ID            string   `json:"id"`
	STP           bool     `json:"stp"`
	ForwardDelay  uint64   `json:"forward_delay"`
	VLANDefault   uint64   `json:"vlan_default"`
	VLANFiltering bool     `json:"vlan_filtering"`
	UpperDevices  []string `json:"upper_devices"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateVLAN is the state of a VLAN interface.
type NetworkStateVLAN struct {
	LowerDevice string `json:"lower_device"`
	VID         uint64 `json:"vid"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// NetworkStateOVN is the state of an OVN network.
type NetworkStateOVN struct {
	Chassis string `json:"chassis"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// StoragePool is a storage pool (GET /1.0/storage-pools/<name>).
type StoragePool struct {
	// Name is the key (pools cannot be renamed).
	Name        string `json:"name"`
	Description string `json:"description"`
	// Driver is "dir", "zfs", "btrfs", "lvm", "ceph", ...
	Driver string            `json:"driver"`
	Status string            `json:"status"`
	Config map[string]string `json:"config"`
	UsedBy []string          `json:"used_by"`
	// Locations are the cluster members it is defined on.
	Locations []string `json:"locations"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// StoragePoolCreate is the request to create a storage pool (POST /1.0/storage-pools).
type StoragePoolCreate struct {
	Name        string            `json:"name"`
	Driver      string            `json:"driver"`
	Description string            `json:"description,omitempty"`
	Config      map[string]string `json:"config,omitempty"`
	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// StoragePoolResources is a storage pool's usage (GET /1.0/storage-pools/<name>/resources).
type StoragePoolResources struct {
	Space  StoragePoolSpace  `json:"space"`
	Inodes StoragePoolInodes `json:"inodes"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// StoragePoolSpace is space usage in bytes.
type StoragePoolSpace struct {
	Used  uint64 `json:"used"`
	Total uint64 `json:"total"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// StoragePoolInodes is inode usage.
type StoragePoolInodes struct {
	Used  uint64 `json:"used"`
	Total uint64 `json:"total"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// Certificate is a trusted certificate (GET /1.0/certificates/<fingerprint>).
type Certificate struct {
	// Fingerprint is the SHA-256 of the certificate: its key.
	Fingerprint string `json:"fingerprint"`
	// Certificate is the certificate, PEM.
	Certificate string `json:"certificate"`
	Name        string `json:"name"`
	// Type is "client" or "metrics".
	Type string `json:"type"`
	// Restricted limits the certificate to Projects.
	Restricted bool     `json:"restricted"`
	Projects   []string `json:"projects"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`

	meta objectMeta
}

// CertificateCreate is the request to add a trusted certificate (POST /1.0/certificates).
// AddCertificate is simpler when you have a PEM certificate.
type CertificateCreate struct {
	Name string `json:"name,omitempty"`
	// Type is "client" or "metrics".
	Type string `json:"type"`
	// Certificate is the certificate as base64 DER (a PEM body without its armour and
	// newlines); empty: the certificate this client connects with.
	Certificate string `json:"certificate,omitempty"`
	// Password is the trust password or a trust token (needed by untrusted clients).
	Password   string   `json:"password,omitempty"`
	Restricted bool     `json:"restricted,omitempty"`
	Projects   []string `json:"projects,omitempty"`
	// (LXD's "token": true, which asks for a trust token, answers with an operation that
	// lxd_certificate_create does not take: it is left out on purpose.)

	// Extra holds members to send that this version has no field for.
	Extra Extra `json:"-"`
}

// ---------------------------------------------------------------------------------------------
// Operations and events

// OperationInfo is an operation's state in LXD's schema (GET /1.0/operations/<id>).
type OperationInfo struct {
	ID string `json:"id"`
	// Class is "task", "websocket" or "token".
	Class       string     `json:"class"`
	Description string     `json:"description"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Status      string     `json:"status"`
	StatusCode  StatusCode `json:"status_code"`
	// Resources are the URLs of the objects the operation affects, by kind.
	Resources map[string][]string `json:"resources"`
	// Metadata is the operation's own data (an exec's exit code, an image's fingerprint...).
	Metadata  map[string]any `json:"metadata"`
	MayCancel bool           `json:"may_cancel"`
	// Err is LXD's error text when it failed.
	Err      string `json:"err"`
	Location string `json:"location"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// Event is one message of LXD's event stream (/1.0/events).
type Event struct {
	// Type is "lifecycle", "operation" or "logging".
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	// Metadata is the payload: a lifecycle action, an operation, a log record.
	Metadata json.RawMessage `json:"metadata"`
	Location string          `json:"location"`
	Project  string          `json:"project"`
	// Extra holds members this version has no field for.
	Extra Extra `json:"-"`
}

// RawResponse is LXD's reply to a raw request.
type RawResponse struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Body is the reply body (LXD's JSON envelope).
	Body []byte
	// ETag is the reply's ETag header ("" when none).
	ETag string
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
