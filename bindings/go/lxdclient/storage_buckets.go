//go:build cgo

package lxdclient

// Storage buckets (/1.0/storage-pools/<pool>/buckets; Incus 6.0 only, LXD 5.0 answers
// ErrNotFound). The CRUD methods and the object lifecycle are generated
// (zz_generated_storage_buckets.go). A local pool serves buckets through MinIO: without the
// minio binary on the server Incus refuses to create one (ErrAPI).

// StorageBucket is an object storage bucket of a pool (GET
// /1.0/storage-pools/<pool>/buckets/<name>).
type StorageBucket struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Config      map[string]string `json:"config"`
	S3URL       string            `json:"s3_url,omitempty"`
	Location    string            `json:"location,omitempty"`
	Extra       Extra             `json:"-"`

	meta objectMeta
}
