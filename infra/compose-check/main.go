// compose-check loads the project's compose files with compose-go, the loader Docker Compose v2
// itself uses, as `docker compose` would on a machine where no variable is set, and fails on any
// error or warning. compose-go reports unset variables, obsolete keys and ambiguous file names
// only as logrus warnings, which `docker compose up` prints and then goes on; here they fail.
//
// It finds the files as the CLI does (docker-compose.yml or compose.yaml, plus the override
// file when there is one), loads them once with the default profiles (what `docker compose up`
// starts), once with every profile, and once per env file in the project folder (`<profile>.env`)
// as `docker compose --env-file <it> up` would (its COMPOSE_PROFILES naming the profiles), and
// prints one JSON report per load on stdout, with the resolved project so that tests can check
// what Compose will really do. With -context it lists the files of a build context instead
// (context.go).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
	EnvFile  string          `json:"envFile,omitempty"`
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

// load reads the project with `profiles`, or, given an env file, with that file as the whole
// environment and the profiles its COMPOSE_PROFILES names. Without configFiles, the files the
// CLI finds by itself; with, those files in that order.
func load(ctx context.Context, dir string, configFiles []string, profiles []string, envFile string) report {
	hook := &warnings{}
	logrus.StandardLogger().ReplaceHooks(logrus.LevelHooks{})
	logrus.AddHook(hook)
	r := report{Profiles: profiles, EnvFile: envFile}
	// No WithOsEnv: the environment is empty, as a newcomer's is, but for the env file given.
	opts := []cli.ProjectOptionsFn{cli.WithWorkingDirectory(dir)}
	if len(configFiles) == 0 {
		opts = append(opts, cli.WithDefaultConfigPath)
	}
	if envFile != "" {
		opts = append(opts, cli.WithEnvFiles(envFile), cli.WithDotEnv, cli.WithDefaultProfiles())
	} else {
		opts = append(opts, cli.WithProfiles(profiles))
	}
	opts = append(opts, cli.WithInterpolation(true), cli.WithConsistency(true))
	options, err := cli.NewProjectOptions(configFiles, opts...)
	if err == nil && envFile != "" {
		r.Profiles = []string{}
		for _, p := range strings.Split(options.Environment["COMPOSE_PROFILES"], ",") {
			if p = strings.TrimSpace(p); p != "" {
				r.Profiles = append(r.Profiles, p)
			}
		}
	}
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
	envFiles, _ := filepath.Glob(filepath.Join(*dir, "*.env"))
	sort.Strings(envFiles)
	type run struct {
		profiles []string
		envFile  string
	}
	runs := []run{{profiles: []string{}}, {profiles: []string{"*"}}}
	for _, f := range envFiles {
		runs = append(runs, run{envFile: f})
	}
	for _, x := range runs {
		r := load(ctx, *dir, configFiles, x.profiles, x.envFile)
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
