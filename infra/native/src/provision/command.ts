import { spawn } from 'node:child_process';
import { info, dim } from '../progress';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Printed every 20 s while the command runs, so a long first-run download never looks hung. */
  label?: string;
  input?: string;
  /** The arguments hold secrets (secure mode's SCRAM passwords): a failure names the command only. */
  secretArgs?: boolean;
}

/** Runs a command to completion; on failure the error carries the tail of its output. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    if (child.stdin) {
      child.stdin.on('error', () => {
        /* the command may exit before reading its input */
      });
      child.stdin.end(options.input);
    }
    const started = Date.now();
    const heartbeat = options.label
      ? setInterval(() => info(dim(`  still ${options.label} (${Math.round((Date.now() - started) / 1000)} s)`)), 20_000)
      : undefined;
    child.once('error', (err) => {
      clearInterval(heartbeat);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.once('close', (code) => {
      clearInterval(heartbeat);
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `${command} ${options.secretArgs ? '(arguments not shown: they hold secrets)' : args.join(' ')} failed (exit ${code}):\n${output.split('\n').slice(-25).join('\n')}`,
          ),
        );
    });
  });
}

export async function commandExists(command: string): Promise<boolean> {
  try {
    await runCommand('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}
