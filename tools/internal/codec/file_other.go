//go:build !unix

package codec

func mapFile(string) ([]byte, bool) { return nil, false }

func releaseMapped() {}
