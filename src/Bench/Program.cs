using Orders.Bench;

return await BenchCommand.RunAsync(args);
