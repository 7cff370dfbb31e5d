//go:build cgo

package lxdclient

import "time"

// The models of the typed wrappers added for network ACLs, zones, forwards and peers, backups,
// instance metadata, volume snapshots and clusters. As everywhere, members this version does not
// know are kept in Extra and sent back.

// ---------------------------------------------------------------------------------------------
// Network ACLs

// NetworkACL is a network ACL (GET /1.0/network-acls/<name>).
type NetworkACL struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Ingress     []NetworkACLRule  `json:"ingress"`
	Egress      []NetworkACLRule  `json:"egress"`
	Config      map[string]string `json:"config"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}

// NetworkACLRule is one ingress or egress rule of a network ACL.
type NetworkACLRule struct {
	// Action is "allow", "reject" or "drop".
	Action          string `json:"action"`
	Source          string `json:"source,omitempty"`
	Destination     string `json:"destination,omitempty"`
	Protocol        string `json:"protocol,omitempty"`
	SourcePort      string `json:"source_port,omitempty"`
	DestinationPort string `json:"destination_port,omitempty"`
	ICMPType        string `json:"icmp_type,omitempty"`
	ICMPCode        string `json:"icmp_code,omitempty"`
	Description     string `json:"description,omitempty"`
	// State is "enabled", "disabled" or "logged".
	State string `json:"state"`
	Extra Extra  `json:"-"`
}

// ---------------------------------------------------------------------------------------------
// Network zones

// NetworkZone is a DNS zone LXD serves (GET /1.0/network-zones/<name>).
type NetworkZone struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	UsedBy      []string          `json:"used_by,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}

// NetworkZoneRecord is a record of a network zone (GET /1.0/network-zones/<zone>/records/<name>).
type NetworkZoneRecord struct {
	Name        string                   `json:"name"`
	Description string                   `json:"description"`
	Entries     []NetworkZoneRecordEntry `json:"entries"`
	Config      map[string]string        `json:"config"`
	Extra       Extra                    `json:"-"`

	meta objectMeta
}

// NetworkZoneRecordEntry is one DNS entry of a zone record.
type NetworkZoneRecordEntry struct {
	// Type is the DNS type ("A", "AAAA", "CNAME", "TXT", ...).
	Type  string `json:"type"`
	TTL   uint64 `json:"ttl,omitempty"`
	Value string `json:"value"`
	Extra Extra  `json:"-"`
}

// ---------------------------------------------------------------------------------------------
// Network forwards, peers and leases

// NetworkForward is an address forward of a network (GET
// /1.0/networks/<network>/forwards/<listen_address>).
type NetworkForward struct {
	ListenAddress string               `json:"listen_address"`
	Description   string               `json:"description"`
	Config        map[string]string    `json:"config"`
	Ports         []NetworkForwardPort `json:"ports"`
	Location      string               `json:"location,omitempty"`
	Extra         Extra                `json:"-"`

	meta objectMeta
}

// NetworkForwardPort is a port rule of a network forward.
type NetworkForwardPort struct {
	Description   string `json:"description,omitempty"`
	Protocol      string `json:"protocol"`
	ListenPort    string `json:"listen_port"`
	TargetPort    string `json:"target_port,omitempty"`
	TargetAddress string `json:"target_address"`
	Extra         Extra  `json:"-"`
}

// NetworkPeer is a peering of an OVN network with another (GET
// /1.0/networks/<network>/peers/<name>).
type NetworkPeer struct {
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Config        map[string]string `json:"config"`
	TargetProject string            `json:"target_project,omitempty"`
	TargetNetwork string            `json:"target_network,omitempty"`
	Status        string            `json:"status,omitempty"`
	UsedBy        []string          `json:"used_by,omitempty"`
	Extra         Extra             `json:"-"`

	meta objectMeta
}

// NetworkLease is a DHCP lease (or a static allocation, or the gateway) of a managed network.
type NetworkLease struct {
	Hostname string `json:"hostname"`
	Hwaddr   string `json:"hw_address"`
	Address  string `json:"address"`
	// Type is "static", "dynamic" or "gateway".
	Type     string `json:"type"`
	Location string `json:"location"`
	Project  string `json:"project"`
	Extra    Extra  `json:"-"`
}

// ---------------------------------------------------------------------------------------------
// Backups

// InstanceBackup is a backup of an instance (GET /1.0/instances/<instance>/backups/<name>).
type InstanceBackup struct {
	Name             string    `json:"name"`
	CreatedAt        time.Time `json:"created_at"`
	ExpiresAt        time.Time `json:"expires_at"`
	InstanceOnly     bool      `json:"instance_only"`
	OptimizedStorage bool      `json:"optimized_storage"`
	Extra            Extra     `json:"-"`

	meta objectMeta
}

// InstanceBackupCreate is the request to back up an instance; the zero value is LXD's defaults
// (the next free "backupN" name, with snapshots, never expiring).
type InstanceBackupCreate struct {
	Name string `json:"name,omitempty"`
	// ExpiresAt, when set, is when LXD deletes the backup.
	ExpiresAt            *time.Time `json:"expires_at,omitempty"`
	InstanceOnly         bool       `json:"instance_only,omitempty"`
	OptimizedStorage     bool       `json:"optimized_storage,omitempty"`
	CompressionAlgorithm string     `json:"compression_algorithm,omitempty"`
	Extra                Extra      `json:"-"`
}

// StorageVolumeBackup is a backup of a custom storage volume (GET
// /1.0/storage-pools/<pool>/volumes/<type>/<volume>/backups/<name>).
type StorageVolumeBackup struct {
	Name             string    `json:"name"`
	CreatedAt        time.Time `json:"created_at"`
	ExpiresAt        time.Time `json:"expires_at"`
	VolumeOnly       bool      `json:"volume_only"`
	OptimizedStorage bool      `json:"optimized_storage"`
	Extra            Extra     `json:"-"`

	meta objectMeta
}

// StorageVolumeBackupCreate is the request to back up a custom volume; the zero value is LXD's
// defaults.
type StorageVolumeBackupCreate struct {
	Name                 string     `json:"name,omitempty"`
	ExpiresAt            *time.Time `json:"expires_at,omitempty"`
	VolumeOnly           bool       `json:"volume_only,omitempty"`
	OptimizedStorage     bool       `json:"optimized_storage,omitempty"`
	CompressionAlgorithm string     `json:"compression_algorithm,omitempty"`
	Extra                Extra      `json:"-"`
}

// ---------------------------------------------------------------------------------------------
// Instance metadata, volume snapshots and state

// ImageMetadata is an instance's image metadata (GET /1.0/instances/<name>/metadata): what the
// image's metadata.yaml said, as changed since.
type ImageMetadata struct {
	Architecture string                            `json:"architecture"`
	CreationDate int64                             `json:"creation_date"`
	ExpiryDate   int64                             `json:"expiry_date"`
	Properties   map[string]string                 `json:"properties"`
	Templates    map[string]*ImageMetadataTemplate `json:"templates"`
	Extra        Extra                             `json:"-"`
}

// ImageMetadataTemplate says when LXD renders a template file to a path of the instance.
type ImageMetadataTemplate struct {
	// When lists the triggers: "create", "copy", "start", "rename".
	When       []string          `json:"when"`
	CreateOnly bool              `json:"create_only"`
	Template   string            `json:"template"`
	Properties map[string]string `json:"properties"`
	Extra      Extra             `json:"-"`
}

// StorageVolumeSnapshot is a snapshot of a storage volume (GET
// /1.0/storage-pools/<pool>/volumes/<type>/<volume>/snapshots/<name>).
type StorageVolumeSnapshot struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	ContentType string            `json:"content_type,omitempty"`
	CreatedAt   time.Time         `json:"created_at,omitempty"`
	// ExpiresAt is nil when the snapshot never expires.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Extra     Extra      `json:"-"`

	meta objectMeta
}

// StorageVolumeState is a volume's usage (GET .../volumes/<type>/<name>/state).
type StorageVolumeState struct {
	// Usage is nil when the driver does not report it.
	Usage *StorageVolumeUsage `json:"usage"`
	Extra Extra               `json:"-"`
}

// StorageVolumeUsage is the space a volume uses, in bytes (Total 0: no quota).
type StorageVolumeUsage struct {
	Used  uint64 `json:"used"`
	Total int64  `json:"total"`
	Extra Extra  `json:"-"`
}

// ---------------------------------------------------------------------------------------------
// Clusters

// Cluster is the server's cluster settings (GET /1.0/cluster).
type Cluster struct {
	ServerName string `json:"server_name"`
	Enabled    bool   `json:"enabled"`
	// MemberConfig lists the member-specific keys a joining server must be given.
	MemberConfig []ClusterMemberConfigKey `json:"member_config"`
	Extra        Extra                    `json:"-"`

	meta objectMeta
}

// ClusterMemberConfigKey is a member-specific configuration key of a cluster.
type ClusterMemberConfigKey struct {
	Entity      string `json:"entity"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Value       string `json:"value"`
	Description string `json:"description"`
	Extra       Extra  `json:"-"`
}

// ClusterPut is the request that enables clustering on a standalone server, joins a cluster
// or leaves one (PUT /1.0/cluster).
type ClusterPut struct {
	ServerName         string                   `json:"server_name"`
	Enabled            bool                     `json:"enabled"`
	MemberConfig       []ClusterMemberConfigKey `json:"member_config,omitempty"`
	ClusterAddress     string                   `json:"cluster_address,omitempty"`
	ClusterCertificate string                   `json:"cluster_certificate,omitempty"`
	ServerAddress      string                   `json:"server_address,omitempty"`
	ClusterPassword    string                   `json:"cluster_password,omitempty"`
	ClusterToken       string                   `json:"cluster_token,omitempty"`
	Extra              Extra                    `json:"-"`
}

// ClusterGroup is a group of cluster members (GET /1.0/cluster/groups/<name>).
type ClusterGroup struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Members     []string `json:"members"`
	Extra       Extra    `json:"-"`

	meta objectMeta
}

// ---------------------------------------------------------------------------------------------
// Images from elsewhere, lxc configuration, exec results

// ImageDownloadOptions are the properties of an image LXD downloads from a URL or a
// simplestreams server.
type ImageDownloadOptions struct {
	Public     bool              `json:"public,omitempty"`
	AutoUpdate bool              `json:"auto_update,omitempty"`
	Aliases    []ImageAliasName  `json:"aliases,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	// Source adds members to the request's source object (e.g. "image_type":
	// "virtual-machine", "certificate").
	Source map[string]any `json:"source,omitempty"`
}

// ImagePush is the request that makes this server push an image to another LXD (LXD's
// ImageExportPost).
type ImagePush struct {
	// Target is the receiving server's URL ("https://host:8443").
	Target string `json:"target"`
	// Secret is the receiving server's secret for the push (the metadata "secret" of its
	// operation that waits for the image).
	Secret string `json:"secret"`
	// Certificate is the receiving server's certificate (PEM), "" to use the system CAs.
	Certificate string `json:"certificate"`
	// Aliases to create on the receiving server; LXD 5.0.2 does not create them.
	Aliases []ImageAliasName `json:"aliases,omitempty"`
	Project string           `json:"project,omitempty"`
	Extra   Extra            `json:"-"`
}

// Remote is one remote of an lxc configuration directory (config.yml).
type Remote struct {
	Name     string `json:"name"`
	Addr     string `json:"addr"`
	Protocol string `json:"protocol"`
	Project  string `json:"project"`
	Extra    Extra  `json:"-"`
}

// Remotes is an lxc configuration's remotes and its default one.
type Remotes struct {
	Default string   `json:"default"`
	Remotes []Remote `json:"remotes"`
	Extra   Extra    `json:"-"`
}

// ExecResult is how a command run by ExecDetailed ended.
type ExecResult struct {
	ExitCode int `json:"exit_code"`
	// Failure is LXD's text when the command could not run ("Command not found"), else "".
	Failure string `json:"failure"`
	// Output holds, with RecordOutput, the server-side log paths of stdout ("1") and stderr
	// ("2").
	Output map[string]string `json:"output"`
	// Operation is the final state of the exec's operation.
	Operation *OperationInfo `json:"operation"`
	Extra     Extra          `json:"-"`
}
