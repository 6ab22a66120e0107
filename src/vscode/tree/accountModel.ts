// Moved to src/core/accountModel.ts; removed in the next commit once src/vscode/tokenDocuments.ts imports it from there.
export * from '../../core/accountModel';
