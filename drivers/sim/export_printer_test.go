package sim

// ESCPOSForTest is the printer mechanism without a line, for tests that
// feed it bytes in pieces.
type ESCPOSForTest struct{ m *escpos }

// NewESCPOSForTest returns a mechanism with endless paper.
func NewESCPOSForTest(dots int) *ESCPOSForTest {
	return &ESCPOSForTest{newESCPOS(dots, &deviceState{paperLeft: -1, nearEndDots: 800})}
}

func (e *ESCPOSForTest) Write(p []byte) { e.m.write(p) }

// Jobs returns the finished jobs.
func (e *ESCPOSForTest) Jobs() []Job {
	var jobs []Job
	for i, pj := range e.m.done {
		jobs = append(jobs, Job{Seq: i + 1, Lines: pj.lines, Complete: pj.complete, Fault: pj.fault, Unknown: pj.unknown, Dots: pj.dots})
	}
	return jobs
}
