/**
 * The layer order of rnnscope, enforced (docs/ARCHITECTURE.md draws it). `npm test` runs it first:
 *   tensor < nn, loss, optim, data < train < io < explain, export < pipeline < cli, node, web
 * Each layer imports only layers below it; the engine (tensor, nn, loss, optim, train) has no npm
 * dependencies; nothing but the front ends imports a front end.
 */
const engine = '^src/(tensor|nn|loss|optim|train)/';
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one: merge them, or move the shared part below both.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'engine-has-no-npm-dependencies',
      severity: 'error',
      comment: 'The engine runs anywhere with nothing installed.',
      from: { path: engine },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'] },
    },
    {
      name: 'runtime-needs-no-dev-dependency',
      severity: 'error',
      comment:
        'An installed package has its dependencies only (test/package.test.ts runs every command so). Vite, which only serve.ts loads, and only to build the explorer in a checkout, is the one exception.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: '(^|/)node_modules/vite/' },
    },
    {
      name: 'only-serve-builds-the-explorer',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/commands/serve\\.ts$' },
      to: { path: '(^|/)node_modules/vite/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'tensor-knows-no-model',
      severity: 'error',
      comment: 'src/tensor is buffers, GEMM and memory: cells live in src/nn/cells.',
      from: { path: '^src/tensor/' },
      to: { path: '^src/(?!tensor/|errors)' },
    },
    {
      name: 'nn-below-training',
      severity: 'error',
      from: { path: '^src/(nn|loss|optim|data)/' },
      to: { path: '^src/(train|io|explain|export|node|cli|pipeline)' },
    },
    {
      name: 'train-below-explain',
      severity: 'error',
      comment: 'Training emits events; explaining them is a layer above.',
      from: { path: '^src/train/' },
      to: { path: '^src/(io|explain|export|node|cli|pipeline)' },
    },
    { name: 'io-below-explain', severity: 'error', from: { path: '^src/io/' }, to: { path: '^src/(explain|export|node|cli|pipeline)' } },
    {
      name: 'export-below-front-ends',
      severity: 'error',
      comment: 'Export builds bytes (ONNX, a PyTorch project) for the browser too; the CLI writes them.',
      from: { path: '^src/export/' },
      to: { path: '^src/(explain|node|cli|pipeline)|^src/io/model-file' },
    },
    {
      name: 'parallel-runs-in-a-browser',
      severity: 'error',
      comment: "The two-thread step serves Node and the explorer alike: how a thread starts is the caller's (src/node, web/).",
      from: { path: '^src/parallel/' },
      to: { path: '^src/(io|explain|export|node|cli|pipeline)|^node:', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'parallel-imports-nothing-of-node',
      severity: 'error',
      from: { path: '^src/parallel/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'export-runs-in-a-browser',
      severity: 'error',
      from: { path: '^src/export/' },
      to: { dependencyTypes: ['core'] },
    },
    { name: 'explain-below-front-ends', severity: 'error', from: { path: '^src/explain/' }, to: { path: '^src/(node|cli|pipeline)' } },
    {
      name: 'only-the-cli-imports-the-cli',
      severity: 'error',
      from: { path: '^(src|web)/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    { name: 'src-never-imports-web', severity: 'error', from: { path: '^src/' }, to: { path: '^web/' } },
    {
      name: 'web-runs-in-a-browser',
      severity: 'error',
      comment: 'The explorer bundles the engine: nothing that needs Node itself.',
      from: { path: '^web/' },
      to: { path: '^src/(node|cli)/|^src/io/model-file' },
    },
    {
      name: 'only-main-imports-the-app',
      severity: 'error',
      from: { path: '^web/src/', pathNot: '^web/src/(main\\.tsx|components/App\\.tsx)$' },
      to: { path: '^web/src/components/App\\.tsx$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
