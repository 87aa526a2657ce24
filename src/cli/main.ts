export async function main(_argv: string[]): Promise<void> {
  process.stdout.write("baton-langsmith: under construction\n");
}
