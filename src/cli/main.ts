/** The `enchufe` command: dispatches to one module per sub-command. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  void argv;
  return 0;
}
