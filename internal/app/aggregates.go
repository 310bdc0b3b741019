package app

import (
	"context"
	"fmt"
)

// computeSafely runs compute for a goroutine of its own (a background recomputation of
// figures or themes), where a panic would stop the whole server, where in a request it fails
// only that request: it becomes an error.
func computeSafely[T any](ctx context.Context, compute func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in a background computation: %v", r)
		}
	}()
	return compute(ctx)
}
