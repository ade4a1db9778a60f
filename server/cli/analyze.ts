export async function run(): Promise<number> {
  console.error('slovo analyze: not available yet (the reply analyzer is a later issue)');
  return 2;
}
