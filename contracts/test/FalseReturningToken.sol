// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title FalseReturningToken
/// @notice A "weird" ERC-20 that answers `false` instead of reverting when a transfer fails (like
/// some early tokens), to prove that such a failure is caught and named. `setRefusing(true)` makes every
/// transfer fail that way (like a paused token that does not revert). Anyone may mint and refuse: tests only.
contract FalseReturningToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    bool public refusing;

    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
    }

    function setRefusing(bool value) external {
        refusing = value;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        return true;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        if (refusing || balanceOf[msg.sender] < value) return false;
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        if (refusing || balanceOf[from] < value || allowance[from][msg.sender] < value) return false;
        allowance[from][msg.sender] -= value;
        balanceOf[from] -= value;
        balanceOf[to] += value;
        return true;
    }
}
