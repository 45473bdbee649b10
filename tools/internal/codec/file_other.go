//go:build !unix

package codec

func mapFile(string, bool) ([]byte, bool) { return nil, false }

func releaseMapped() {}
