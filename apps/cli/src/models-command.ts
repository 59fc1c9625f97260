import type { Command } from 'commander';
import { listRegistry } from './model-registry.js';
import { resolveModelsDir } from './models-dir.js';
import { percent, textTable } from './text-table.js';

interface ModelsFlags {
  modelsDir?: string;
  json?: boolean;
}

export function registerModelsCommand(program: Command): void {
  program
    .command('models')
    .description('list the models in the registry, newest first')
    .option('--models-dir <dir>', 'model registry (default: MODELS_DIR or var/models)')
    .option('--json', 'print the list as JSON')
    .action(async (flags: ModelsFlags) => {
      const dir = resolveModelsDir(flags.modelsDir);
      const entries = await listRegistry(dir);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
        return;
      }
      if (entries.length === 0) {
        process.stdout.write(`no models in ${dir}\n`);
        return;
      }
      const rows = entries.map((e) => [
        e.id,
        e.cell,
        percent(e.accuracy),
        percent(e.macroF1),
        e.epochs === null ? '-' : String(e.epochs),
        e.created.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        e.problem ?? '',
      ]);
      process.stdout.write(
        `${textTable(rows, {
          header: ['id', 'cell', 'accuracy', 'macro-F1', 'epochs', 'created', ''],
          align: ['left', 'left', 'right', 'right', 'right'],
        })}\n${entries.length} model${entries.length === 1 ? '' : 's'} in ${dir}\n`,
      );
    });
}
