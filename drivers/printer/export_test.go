package printer

// QRByteCapacity exposes the capacity table to the tests.
func QRByteCapacity(l QRLevel, version int) int { return qrByteCapacity[l][version-1] }
