import { basename } from 'node:path';
import { Command } from 'commander';
import { ModelQuery, ModelsQuery, type ModelView } from '../../graphql/documents.js';
import { addBackendOptions, withBackend, type BackendCliOptions } from '../backend-option.js';
import { formatCount, table } from '../format.js';
import { percent } from '../format-recipe.js';
import { toJson, type CliIo } from '../io.js';
import { readModelFile } from '../model-file.js';

interface ModelsOptions extends BackendCliOptions {
  json?: boolean;
}

interface AddOptions extends ModelsOptions {
  name?: string;
}

/** `frontier models` lists the registered models; `frontier models add FILE` registers one. */
export function modelsCommand(io: CliIo): Command {
  const add = addBackendOptions(
    new Command('add')
      .description('register an ONNX classifier (validated, op coverage checked, baseline accuracy measured); adding the same bytes again returns the model already there')
      .argument('<file>', 'an .onnx file')
      .option('--name <name>', 'the model\'s name (default: the file name without .onnx)')
      .option('--json', 'print machine-readable JSON'),
  ).action(async (file: string, o: AddOptions) => {
    const model = readModelFile(file);
    const name = o.name ?? basename(file).replace(/\.onnx$/i, '');
    await withBackend(io, o, async (backend) => {
      const { id } = await backend.addModel({ name, bytes: model.bytes });
      const { model: added } = await backend.request(ModelQuery, { id });
      if (!added) throw new Error(`model ${id} was registered but cannot be read back`);
      io.out(o.json ? toJson({ model: added }) : `model ${added.id} ${added.name}: sha256 ${added.sha256}, ${modelFacts(added)}`);
    });
  });
  add.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  add.showHelpAfterError('(run with --help for usage)');

  const list = new Command('models')
    .description('list the registered models (`models add FILE` registers one)')
    // `models add FILE --api URL`: the options after `add` are add's, not the listing's.
    .enablePositionalOptions()
    .option('--json', 'print machine-readable JSON');
  return addBackendOptions(list)
    .addCommand(add)
    .action(async (o: ModelsOptions) => {
      await withBackend(io, o, async (backend) => {
        const { models } = await backend.request(ModelsQuery, {});
        if (o.json) io.out(toJson({ models }));
        else if (models.length === 0) io.out('no models yet (`frontier models add FILE`, or a search registers its model)');
        else io.out(table(['model', 'name', 'sha256', 'input', 'classes', 'params', 'MACs', 'baseline'], models.map((m) => [m.id, m.name, m.sha256.slice(0, 12), `[${m.inputShape.join(', ')}]`, String(m.classes), formatCount(m.params), formatCount(m.macs), percent(m.baselineAccuracy ?? undefined)])));
      });
    });
}

function modelFacts(m: ModelView): string {
  return `input [${m.inputShape.join(', ')}], ${m.classes} classes, ${formatCount(m.params)} params, ${formatCount(m.macs)} MACs, baseline val accuracy ${percent(m.baselineAccuracy ?? undefined)}`;
}
