public class Smoke { [Fact] public void Builds() => Assert.Equal(1, QiboAccel.Abi.OpMatrices.TargetCount(QiboAccel.Abi.QiboOpKind.H)); }
