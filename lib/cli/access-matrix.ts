/**
 * `warden access-matrix [FILE] [--format md|csv|json]`: who may call what, touching which data
 * class, and what is redacted for them. Derived from the same access model as IAM and Cedar.
 */
import { Option, type Command } from 'commander';
import { DEFAULT_MANIFEST_FILE, formatIssues, loadManifest, ManifestError } from '../config';
import { accessMatrix } from '../policy/access-matrix';
import { ACCESS_MATRIX_FORMATS, renderAccessMatrix, type AccessMatrixFormat } from '../policy/access-matrix-format';

/** The rendered matrix of a manifest file. @throws ManifestError when the manifest is invalid */
export function accessMatrixReport(file: string, format: AccessMatrixFormat): string {
  const { manifest } = loadManifest(file);
  return renderAccessMatrix(accessMatrix(manifest), format);
}

export function registerAccessMatrix(program: Command): void {
  program
    .command('access-matrix')
    .description('print who may call which tool, on which dataset and data class, and what is redacted for them')
    .argument('[file]', 'the manifest', DEFAULT_MANIFEST_FILE)
    .addOption(new Option('--format <format>', 'output format').choices([...ACCESS_MATRIX_FORMATS]).default('md'))
    .action((file: string, options: { format: AccessMatrixFormat }) => {
      try {
        process.stdout.write(accessMatrixReport(file, options.format));
      } catch (err) {
        if (!(err instanceof ManifestError)) throw err;
        process.stderr.write(`${formatIssues(err.issues, { withLines: true })}\n`);
        process.stderr.write(`${file}: invalid manifest — fix it (see \`npx warden validate ${file}\`) and run access-matrix again\n`);
        process.exitCode = 1;
      }
    });
}
