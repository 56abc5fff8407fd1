import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { inspectCommand } from './inspect.js';
import { evaluateCommand } from './evaluate.js';

/** Every `frontier` command, one factory per file. */
export const COMMANDS: readonly ((io: CliIo) => Command)[] = [inspectCommand, evaluateCommand];
