//go:build cgo

package lxdclient

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
