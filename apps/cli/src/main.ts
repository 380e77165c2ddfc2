import { Command } from 'commander';
import { registerCommands } from './commands';
import { versionText } from './version';

/** `ablate`: the command line of Ablate. Each subcommand lives in ./commands. */
async function main(argv: string[]): Promise<void> {
  const program = new Command('ablate').description('Ablation studies of object detectors').showHelpAfterError().version(versionText(), '-V, --version', "print Ablate's version and TensorFlow.js's");
  // Usage errors are a user's bad input: exit status 2, as for every other bad input.
  program.exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    process.exit(2);
  });
  registerCommands(program, argv);
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
