/**
 * The `kizuna` command. Each command lives in its own module exporting `register<Command>(program)`;
 * adding a command is one import and one call below.
 */
import { Command } from 'commander';
import { registerApiKey } from './apikey.js';
import { registerCompile } from './compile.js';
import { registerCustomer } from './customer.js';
import { registerGraph } from './graph.js';
import { registerInit } from './init.js';
import { registerJourneys } from './journeys.js';
import { registerPublish } from './publish.js';
import { registerReport } from './report.js';
import { registerSimulate } from './simulate.js';
import { registerValidate } from './validate.js';

const program = new Command('kizuna').description('Email and LINE marketing journeys as code');

registerInit(program);
registerValidate(program);
registerCompile(program);
registerGraph(program);
registerSimulate(program);
registerPublish(program);
registerJourneys(program);
registerApiKey(program);
registerCustomer(program);
registerReport(program);

await program.parseAsync(process.argv);
