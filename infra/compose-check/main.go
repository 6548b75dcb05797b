// compose-check loads the project's compose files with compose-go, the loader Docker Compose v2
// itself uses, as `docker compose` would on a machine where no variable is set, and fails on any
// error or warning. compose-go reports unset variables, obsolete keys and ambiguous file names
// only as logrus warnings, which `docker compose up` prints and then goes on; here they fail.
//
// It finds the files as the CLI does (docker-compose.yml or compose.yaml, plus the override
// file when there is one), loads them once with the default profiles (what `docker compose up`
// starts) and once with every profile, and prints one JSON report per load on stdout, with the
// resolved project so that tests can check what Compose will really do. With -context it lists
// the files of a build context instead (context.go).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/sirupsen/logrus"
)

// warnings collects what compose-go logs at warning level or above instead of printing it.
type warnings struct{ messages []string }

func (w *warnings) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (w *warnings) Fire(entry *logrus.Entry) error {
	w.messages = append(w.messages, entry.Message)
	return nil
}

type report struct {
	Profiles []string        `json:"profiles"`
	Files    []string        `json:"files"`
	Warnings []string        `json:"warnings"`
	Error    string          `json:"error,omitempty"`
	Project  json.RawMessage `json:"project,omitempty"`
}

// files collects repeated -f flags, as `docker compose -f a.yml -f b.yml` takes them.
type files []string

func (f *files) String() string     { return fmt.Sprint(*f) }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func load(ctx context.Context, dir string, configFiles []string, profiles []string) report {
	hook := &warnings{}
	logrus.StandardLogger().ReplaceHooks(logrus.LevelHooks{})
	logrus.AddHook(hook)
	r := report{Profiles: profiles}
	// No WithOsEnv and no WithDotEnv: the environment is empty, as a newcomer's is.
	// Without -f, the files the CLI finds by itself; with, those files in that order.
	findDefault := cli.WithDefaultConfigPath
	if len(configFiles) > 0 {
		findDefault = func(*cli.ProjectOptions) error { return nil }
	}
	options, err := cli.NewProjectOptions(configFiles,
		cli.WithWorkingDirectory(dir),
		findDefault,
		cli.WithProfiles(profiles),
		cli.WithInterpolation(true),
		cli.WithConsistency(true),
	)
	if err == nil {
		r.Files = options.ConfigPaths
		p, loadErr := options.LoadProject(ctx)
		err = loadErr
		if err == nil {
			r.Project, err = p.MarshalJSON()
		}
	}
	if err != nil {
		r.Error = err.Error()
	}
	r.Warnings = append([]string{}, hook.messages...)
	return r
}

func main() {
	dir := flag.String("project-directory", ".", "folder holding the compose file")
	contextDir := flag.String("context", "", "instead: list the files of this build context after .dockerignore")
	var configFiles files
	flag.Var(&configFiles, "f", "a compose file (repeat for an override, merged in order); default: the files the CLI finds")
	flag.Parse()
	if *contextDir != "" {
		files, err := buildContext(*contextDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = json.NewEncoder(os.Stdout).Encode(files)
		return
	}
	// The report carries the warnings; printing them as well would only repeat them.
	logrus.SetOutput(io.Discard)
	logrus.SetLevel(logrus.WarnLevel)
	ctx := context.Background()
	failed := false
	out := json.NewEncoder(os.Stdout)
	for _, profiles := range [][]string{{}, {"*"}} {
		r := load(ctx, *dir, configFiles, profiles)
		if r.Error != "" || len(r.Warnings) > 0 {
			failed = true
		}
		if err := out.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if failed {
		os.Exit(1)
	}
}
