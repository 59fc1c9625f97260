import { isNewscellError } from '@newscell/contracts';
import { BACKEND_NAMES } from '@newscell/models';
import { Command, CommanderError } from 'commander';
import { registerEvalCommand } from './eval-command.js';
import { registerModelsCommand } from './models-command.js';
import { registerPredictCommand } from './predict-command.js';
import { registerTrainCommand } from './train-command.js';

/** Exit codes: 0 done, 1 the work failed, 2 the command line was wrong, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** The `newscell` program: train, eval, predict, models. */
export function createProgram(): Command {
  const program = new Command('newscell')
    .description(
      'train, evaluate and query AG News topic classifiers (RNN, LSTM, GRU, bag of words)',
    )
    .showSuggestionAfterError()
    .exitOverride();
  registerTrainCommand(program);
  registerEvalCommand(program);
  registerPredictCommand(program);
  registerModelsCommand(program);
  for (const command of program.commands) command.exitOverride();
  program.addHelpText(
    'after',
    `
Environment: MODELS_DIR (default var/models; a relative path is taken from the working directory,
as by the API and the worker), AGNEWS_DIR (the AG News folder; else ./data/ag_news, else a
download into ./data), TFJS_BACKEND (${BACKEND_NAMES.join(' | ')}; default the fastest available).
Run "newscell <command> --help" for the flags of a command.`,
  );
  return program;
}

/**
 * Runs the CLI on `args` (without `node` and the script) and returns the exit code. Every failure
 * ends as one clear message on stderr, never a stack trace (set NEWSCELL_DEBUG=1 to get one).
 */
export async function runCli(args: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...args], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      if (error.exitCode === 0) return EXIT.ok;
      return EXIT.usage;
    }
    if (isNewscellError(error)) {
      process.stderr.write(`error: ${error.message} [${error.code}]\n`);
      return error.code === 'JOB_CANCELLED' ? EXIT.interrupted : EXIT.failed;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    if (process.env['NEWSCELL_DEBUG'] && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    return EXIT.failed;
  }
}
