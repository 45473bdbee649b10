package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// profiles are the pprof files a run can leave behind, for finding where a
// large archive's build spends its time and memory.
type profiles struct {
	cpu, mem string
	cpuFile  *os.File
}

func (p *profiles) register(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&p.cpu, "profile-cpu", "", "write a CPU profile of the run to FILE (go tool pprof)")
	pf.StringVar(&p.mem, "profile-mem", "", "write a heap profile at the end of the run to FILE (go tool pprof)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return p.start() }
	root.PersistentPostRunE = func(*cobra.Command, []string) error { return p.stop() }
}

func (p *profiles) start() error {
	if p.cpu == "" {
		return nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return fail(ExitSetup, fmt.Errorf("--profile-cpu: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fail(ExitSetup, fmt.Errorf("--profile-cpu %s: %w", p.cpu, err))
	}
	p.cpuFile = f
	return nil
}

func (p *profiles) stop() error {
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		if err := p.cpuFile.Close(); err != nil {
			return fmt.Errorf("--profile-cpu %s: %w", p.cpu, err)
		}
	}
	if p.mem == "" {
		return nil
	}
	f, err := os.Create(p.mem)
	if err != nil {
		return fmt.Errorf("--profile-mem: %w", err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		return fmt.Errorf("--profile-mem %s: %w", p.mem, err)
	}
	return nil
}
