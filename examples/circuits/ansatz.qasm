// A two-parameter ansatz: `input angle` declares symbolic circuit parameters (a QiboAccel extension of
// OpenQASM 2.0, after OpenQASM 3). Give their values with --parameters theta=...,phi=...
OPENQASM 2.0;
include "qelib1.inc";
input angle theta;
input angle phi;
qreg q[2];
ry(theta) q[0];
h q[1];
rz(2*phi) q[1];
cx q[0], q[1];
u3(theta, 0, pi/2 - phi) q[1];
