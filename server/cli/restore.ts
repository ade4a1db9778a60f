export async function run(): Promise<number> { console.error('not yet'); return 2; }
