//go:build cgo

package lxdclient

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
