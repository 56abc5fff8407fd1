import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ZOO_ARCHITECTURES, zooModelPath, type ZooArchitecture } from '@frontier/workers';
import { UsageError } from './exit-codes.js';
import { readModelFile, type ModelFile } from './model-file.js';

/** A `--model` value: a path to an .onnx file, or the name of a reference model in the zoo. */
export function modelFromOption(value: string): ModelFile & { name: string } {
  if ((ZOO_ARCHITECTURES as readonly string[]).includes(value) && !existsSync(value)) {
    return { ...readModelFile(zooModelPath(value as ZooArchitecture)), name: value };
  }
  if (!existsSync(value)) {
    throw new UsageError(`--model: no file "${value}" and no zoo model of that name (zoo: ${ZOO_ARCHITECTURES.join(', ')})`);
  }
  return { ...readModelFile(value), name: basename(value).replace(/\.onnx$/i, '') };
}
