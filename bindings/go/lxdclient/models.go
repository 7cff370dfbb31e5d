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
