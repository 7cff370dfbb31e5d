//go:build cgo

package lxdclient

/*
#include <lxdclient.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Code is a liblxdclient result code (the C ABI's lxd_result). The numbers are the C ones:
// stable, never reused.
type Code int32

// The result codes of the C ABI.
const (
	// CodeOK is success; no *Error ever carries it.
	CodeOK Code = 0
	// CodeInvalidArgument: the caller passed something invalid (a bad name, malformed JSON, a
	// closed client). Nothing was sent.
	CodeInvalidArgument Code = 1
	// CodeNotFound: LXD answered 404.
	CodeNotFound Code = 2
	// CodeConflict: LXD answered 409 (already exists, busy).
	CodeConflict Code = 3
	// CodePreconditionFailed: LXD answered 412, the ETag sent with If-Match is stale.
	CodePreconditionFailed Code = 4
	// CodeForbidden: LXD answered 403 (not trusted, or not allowed).
	CodeForbidden Code = 5
	// CodeAPI: any other LXD error; see HTTPStatus and Message.
	CodeAPI Code = 6
	// CodeOperationFailed: a background operation finished with a failure.
	CodeOperationFailed Code = 7
	// CodeProtocol: the server's reply could not be understood.
	CodeProtocol Code = 8
	// CodeConnection: no connection could be made, or it broke.
	CodeConnection Code = 9
	// CodeTLS: TLS failed (server certificate not verified, not the pinned one, client
	// certificate refused).
	CodeTLS Code = 10
	// CodeTimeout: a timeout passed (the client's, a wait's, or the context's deadline).
	CodeTimeout Code = 11
	// CodeCancelled: the call was cancelled (its context was cancelled).
	CodeCancelled Code = 12
	// CodeIO: a local I/O error (reading a certificate file, ...).
	CodeIO Code = 13
	// CodePanic: a bug in liblxdclient, caught at the ABI boundary.
	CodePanic Code = 14
)

var codeNames = map[Code]string{
	CodeOK:                 "ok",
	CodeInvalidArgument:    "invalid argument",
	CodeNotFound:           "not found",
	CodeConflict:           "conflict",
	CodePreconditionFailed: "precondition failed",
	CodeForbidden:          "forbidden",
	CodeAPI:                "LXD error",
	CodeOperationFailed:    "operation failed",
	CodeProtocol:           "protocol error",
	CodeConnection:         "connection error",
	CodeTLS:                "TLS error",
	CodeTimeout:            "timeout",
	CodeCancelled:          "cancelled",
	CodeIO:                 "I/O error",
	CodePanic:              "internal error",
}

// String names the code ("not found"); a number this version does not know is "code N".
func (c Code) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("code %d", int32(c))
}

// Error is every failure this package returns (wrapped, at most, by fmt.Errorf in your code).
// Compare it with errors.Is against the Err* sentinels, or read its fields with errors.As.
type Error struct {
	// Code classifies the failure.
	Code Code
	// HTTPStatus is the status LXD answered with (404, 409, 412, ...), or 0 when the failure
	// did not come from an LXD reply.
	HTTPStatus int
	// Message is the library's message, including LXD's own text when LXD refused.
	Message string
	// OperationMetadata is, for CodeOperationFailed, the failed operation's metadata as LXD
	// sent it (nil when there is none).
	OperationMetadata json.RawMessage

	cause    error // context.Canceled, context.DeadlineExceeded or ErrClosed, for errors.Is
	sentinel bool
}

// Error returns "lxdclient: " and the message.
func (e *Error) Error() string {
	if e.sentinel {
		return "lxdclient: " + e.Code.String()
	}
	if e.Message == "" {
		return "lxdclient: " + e.Code.String()
	}
	return "lxdclient: " + e.Message
}

// Is makes errors.Is(err, ErrNotFound) (and the other sentinels) true for every error with that
// code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok || !t.sentinel {
		return false
	}
	return e.Code == t.Code
}

// Unwrap gives the context error (context.Canceled or context.DeadlineExceeded) when a context
// ended the call, or ErrClosed when the client was closed, so errors.Is works with those too.
func (e *Error) Unwrap() error { return e.cause }

func sentinel(c Code) *Error { return &Error{Code: c, sentinel: true} }

// Sentinels for errors.Is: errors.Is(err, lxdclient.ErrNotFound) is true for every *Error whose
// Code is CodeNotFound, whatever its message.
var (
	ErrInvalidArgument    error = sentinel(CodeInvalidArgument)
	ErrNotFound           error = sentinel(CodeNotFound)
	ErrConflict           error = sentinel(CodeConflict)
	ErrPreconditionFailed error = sentinel(CodePreconditionFailed)
	ErrForbidden          error = sentinel(CodeForbidden)
	ErrAPI                error = sentinel(CodeAPI)
	ErrOperationFailed    error = sentinel(CodeOperationFailed)
	ErrProtocol           error = sentinel(CodeProtocol)
	ErrConnection         error = sentinel(CodeConnection)
	ErrTLS                error = sentinel(CodeTLS)
	ErrTimeout            error = sentinel(CodeTimeout)
	ErrCancelled          error = sentinel(CodeCancelled)
	ErrIO                 error = sentinel(CodeIO)
	ErrPanic              error = sentinel(CodePanic)
)

// ErrClosed is the cause of the error a closed Client (or Operation) returns; that error is
// also ErrInvalidArgument.
var ErrClosed = errors.New("lxdclient: use of a closed handle")

func closedError(what string) error {
	return &Error{Code: CodeInvalidArgument, Message: what + " is closed", cause: ErrClosed}
}

// contextError is the error for a call its context ended: ErrCancelled wrapping
// context.Canceled, or ErrTimeout wrapping context.DeadlineExceeded.
func contextError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: CodeTimeout, Message: "context deadline exceeded", cause: err}
	}
	return &Error{Code: CodeCancelled, Message: "context cancelled", cause: err}
}

func invalidArgument(format string, args ...any) error {
	return &Error{Code: CodeInvalidArgument, Message: "invalid argument: " + fmt.Sprintf(format, args...)}
}

// CName is the code's name in the C ABI ("LXD_RESULT_NOT_FOUND"), as C and C++ programs and
// their logs spell it; "LXD_RESULT_UNKNOWN" for a number that is no code.
func (c Code) CName() string { return C.GoString(C.lxd_result_name(C.int32_t(c))) }
