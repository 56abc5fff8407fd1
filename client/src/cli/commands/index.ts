import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { inspectCommand } from './inspect.js';
import { evaluateCommand } from './evaluate.js';
import { devicesCommand } from './devices.js';
import { predictCommand } from './predict.js';
import { deviceCommand } from './device-calibrate.js';
import { compressCommand } from './compress.js';
import { searchCommand } from './search.js';
import { frontCommand } from './front.js';
import { trainCommand } from './train.js';
import { serveCommand } from './serve.js';
import { workerCommand } from './worker.js';
import { runsCommand } from './runs.js';
import { runCommand } from './run.js';
import { cancelCommand } from './cancel.js';
import { modelsCommand } from './models.js';
import { selectCommand } from './select.js';
import { datasetsCommand } from './datasets.js';

/** Every `frontier` command, one factory per file. */
export const COMMANDS: readonly ((io: CliIo) => Command)[] = [inspectCommand, evaluateCommand, devicesCommand, predictCommand, deviceCommand, compressCommand, searchCommand, frontCommand, trainCommand, serveCommand, workerCommand,
  runsCommand, runCommand, cancelCommand, modelsCommand, selectCommand, datasetsCommand];
